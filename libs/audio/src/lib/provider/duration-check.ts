export interface DurationCheck {
  /** The duration to bill and report: measured from the audio when known, else the provider's. */
  durationSeconds?: number;
  /** True when both are known and differ by more than the tolerance. */
  mismatch: boolean;
  /** Provider's figure minus the measured one, in seconds, when both are known. */
  differenceSeconds?: number;
}

/**
 * Providers round durations (Deepgram to the frame, AssemblyAI to whole seconds), so a small
 * difference is normal. @defaultValue 1.0 s or 5 %, whichever is larger
 */
export function durationTolerance(measuredSeconds: number): number {
  return Math.max(1, measuredSeconds * 0.05);
}

/**
 * Compares the duration measured from the audio with the one the provider reports. A mismatch
 * means the provider heard different audio than was sent (truncated upload, wrong sample rate
 * guessed for raw PCM) — the caller logs and counts it; the measured figure stands.
 */
export function checkDuration(
  measuredSeconds: number | undefined,
  reportedSeconds: number | undefined,
): DurationCheck {
  if (measuredSeconds === undefined) return { durationSeconds: reportedSeconds, mismatch: false };
  if (reportedSeconds === undefined || !Number.isFinite(reportedSeconds))
    return { durationSeconds: measuredSeconds, mismatch: false };
  const differenceSeconds = reportedSeconds - measuredSeconds;
  return {
    durationSeconds: measuredSeconds,
    mismatch: Math.abs(differenceSeconds) > durationTolerance(measuredSeconds),
    differenceSeconds,
  };
}
