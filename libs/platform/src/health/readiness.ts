/** A dependency the service cannot do its work without; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, string>;
}
