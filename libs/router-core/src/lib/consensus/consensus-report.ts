import type { ChunkFailure, ProviderName } from '@streamscribe/contracts';

/** What consensus made of one chunk. */
export interface ChunkConsensus {
  chunkId: string;
  seq: number;
  providers: ProviderName[];
  text: string;
  /** Mean share of hypotheses agreeing with each chosen word (1: all identical). */
  agreement: number;
  hypotheses: Array<{
    provider: string;
    status: 'ok' | 'failed';
    text: string;
    confidence: number;
    error?: ChunkFailure;
  }>;
  /** Providers with no hypothesis when it settled (timed out, or failed). */
  missing: ProviderName[];
  /** Settled by the timeout rather than by every provider answering. */
  timedOut: boolean;
}

/** A session's consensus: the combined text, each provider's hypothesis, the agreement. */
export interface ConsensusReport {
  sessionId: string;
  text: string;
  agreement: number;
  /** Each provider's hypothesis for the whole session, its chunks joined in audio order. */
  hypotheses: Array<{ provider: string; text: string }>;
  chunks: ChunkConsensus[];
}

export function consensusReport(sessionId: string, chunks: ChunkConsensus[]): ConsensusReport {
  const ordered = [...chunks].sort((a, b) => a.seq - b.seq);
  const providers = [...new Set(ordered.flatMap((c) => c.providers))];
  return {
    sessionId,
    text: ordered
      .map((c) => c.text)
      .filter(Boolean)
      .join(' '),
    agreement: ordered.length === 0 ? 0 : ordered.reduce((sum, c) => sum + c.agreement, 0) / ordered.length,
    hypotheses: providers.map((provider) => ({
      provider,
      text: ordered
        .map((c) => c.hypotheses.find((h) => h.provider === provider && h.status === 'ok')?.text ?? '')
        .filter(Boolean)
        .join(' '),
    })),
    chunks: ordered,
  };
}
