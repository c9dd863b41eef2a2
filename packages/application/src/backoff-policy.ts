/** A retry policy: seconds to wait after `failures` consecutive failures (1 or more). */
export type RetryPolicy = (failures: number) => number;

/** Options of {@link backoffPolicy} (Twisted's defaults). */
export interface BackoffPolicyOptions {
  /** @default 1.0 */
  readonly initialDelay?: number;
  /** The longest delay before jitter. @default 60.0 */
  readonly maxDelay?: number;
  /** @default 1.5 */
  readonly factor?: number;
  /** Extra seconds added after capping. @default Math.random (0 to 1 s, as Twisted's random.random) */
  readonly jitter?: () => number;
}

function positive(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  return value;
}

/**
 * Twisted's `backoffPolicy`, formula for formula:
 * `min(initialDelay * factor ** min(100, failures), maxDelay) + jitter()`. So the first
 * retry waits `initialDelay * factor` (1.5 s by default), not `initialDelay`, exactly as in
 * Twisted; `maxDelay` caps the delay before the jitter is added.
 */
export function backoffPolicy(options: BackoffPolicyOptions = {}): RetryPolicy {
  const initialDelay = positive("initialDelay", options.initialDelay ?? 1.0);
  const maxDelay = positive("maxDelay", options.maxDelay ?? 60.0);
  const factor = positive("factor", options.factor ?? 1.5);
  const jitter = options.jitter ?? Math.random;
  return (failures) => Math.min(initialDelay * factor ** Math.min(100, failures), maxDelay) + jitter();
}
