/**
 * The batch scheduler behind unhandled-failure reporting (see `Deferred`). Internal.
 *
 * Checks queued while no batch is scheduled start a new batch, run by one `setImmediate`
 * callback: after the current macrotask and every microtask it spawns. A batch runs its
 * checks in the order they were queued; a check queued while a batch runs goes into the
 * next batch.
 */
/** The `context` string given to `reportError` for an unhandled failure. */
export const UNHANDLED_CONTEXT = "Unhandled error in Deferred";

let queued: (() => void)[] = [];
let scheduled = false;

/** Queues `check` for the next batch. `check` must not throw. */
export function queueUnhandledCheck(check: () => void): void {
  queued.push(check);
  if (scheduled) return;
  scheduled = true;
  setImmediate(runBatch);
}

function runBatch(): void {
  scheduled = false;
  const batch = queued;
  queued = [];
  for (const check of batch) check();
}
