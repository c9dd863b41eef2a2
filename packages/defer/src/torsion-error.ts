/**
 * The root of every error Torsion throws or passes as a reason.
 *
 * Each subclass sets `name` to its class name (as Twisted names it) and a stable,
 * machine-readable `code` (`ERR_...`) that never changes between releases. The
 * underlying error, if any, is carried as the standard `cause`.
 */
export class TorsionError extends Error {
  override name = "TorsionError";
  /** Stable machine-readable identifier; compare this rather than messages. */
  readonly code: string = "ERR_TORSION";
}
