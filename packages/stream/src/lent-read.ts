/**
 * Which read memory is lent to a borrowing protocol right now (see `IBorrowingProtocol`
 * in `@torsion/core`), and whether a write queued during the loan still references it.
 *
 * A stream transport lends a view of its read region for the duration of one
 * `dataReceived` call ({@link beginLoan} … {@link endLoan}). Every stream transport's
 * write path reports what it could not send at once ({@link noteQueued}); if that
 * shares the lent `ArrayBuffer`, the loan ends "pinned" and the lender reads into fresh
 * memory from then on, so bytes still queued are never overwritten. Process-wide,
 * because a protocol may write the borrowed bytes to another connection (a proxy).
 * Reads are delivered one at a time, so there is at most one loan at once.
 */

let lent: ArrayBufferLike | null = null;
let pinned = false;

/** Starts lending `buffer` (the `ArrayBuffer` of the view handed to the protocol). */
export function beginLoan(buffer: ArrayBufferLike): void {
  lent = buffer;
  pinned = false;
}

/** Ends the loan; returns whether a queued write still references the lent memory. */
export function endLoan(): boolean {
  const wasPinned = pinned;
  lent = null;
  pinned = false;
  return wasPinned;
}

/** Whether a loan is in progress (writes check {@link noteQueued} only then). */
export function lending(): boolean {
  return lent !== null;
}

/** `data` was queued (not sent at once) by a write: pins the loan if it shares the lent memory. */
export function noteQueued(data: Uint8Array): void {
  if (lent !== null && data.buffer === lent) pinned = true;
}
