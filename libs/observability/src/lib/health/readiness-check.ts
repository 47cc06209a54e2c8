/** Something that must work before an app takes traffic (Redis reachable, model loaded, ...). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects with an error that says what is wrong. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
