import createDebug from "debug";
import type { IDelayedCall, ITransportHost } from "@torsion/core";
import { AcceptError } from "./errors.js";

const debug = createDebug("torsion:stream:accept-failures");

/** The shortest time between two reports of one port, in seconds. */
export const ACCEPT_REPORT_INTERVAL = 1;

/**
 * Counts a port's failed accepts (`EMFILE`, `ENFILE`, ...) and reports them through the
 * host as {@link AcceptError}, at most once per {@link ACCEPT_REPORT_INTERVAL} on the
 * host's clock: the first failure at once, later ones in one report with their count
 * when the interval has passed (a delayed call makes sure a burst is reported even if
 * no failure follows it). Nothing is lost but the failures of the last interval before
 * {@link stop}, which are only logged.
 */
export class AcceptFailures {
  readonly #host: ITransportHost;
  readonly #context: () => string;
  #count = 0;
  #last: unknown = null;
  #reportedAt = Number.NEGATIVE_INFINITY;
  #timer: IDelayedCall | null = null;

  constructor(host: ITransportHost, context: () => string) {
    this.#host = host;
    this.#context = context;
  }

  /** Records one failed accept. */
  record(error: unknown): void {
    this.#count++;
    this.#last = error;
    const wait = this.#reportedAt + ACCEPT_REPORT_INTERVAL - this.#host.seconds();
    if (wait <= 0) this.#report();
    else this.#timer ??= this.#host.callLater(wait, this.#flush);
  }

  /** Stops reporting (the port stopped listening). */
  stop(): void {
    if (this.#timer !== null && this.#timer.active()) this.#timer.cancel();
    this.#timer = null;
    if (this.#count > 0) debug("%d accept failure(s) not reported: the port stopped", this.#count);
    this.#count = 0;
  }

  readonly #flush = (): void => {
    this.#timer = null;
    if (this.#count > 0) this.#report();
  };

  #report(): void {
    const errno = (this.#last as { code?: unknown } | null)?.code;
    const error = new AcceptError(typeof errno === "string" ? errno : "unknown error", this.#count, { cause: this.#last });
    this.#count = 0;
    this.#last = null;
    this.#reportedAt = this.#host.seconds();
    this.#host.reportError(error, this.#context());
  }
}

/** Whether a server `'error'` is a failed accept (as opposed to a bind error). */
export function isAcceptError(error: unknown): boolean {
  return (error as { syscall?: unknown } | null)?.syscall === "accept";
}
