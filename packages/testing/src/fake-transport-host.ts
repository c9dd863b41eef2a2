import type { IDelayedCall, IShutdownResource, ITransportHost } from "@torsion/core";
import { Clock } from "./clock.js";

/** One `reportError` call recorded by {@link FakeTransportHost}. */
export interface ReportedError {
  readonly error: unknown;
  readonly context: string;
}

/** Options of {@link FakeTransportHost}. */
export interface FakeTransportHostOptions {
  /**
   * The time source behind `seconds`/`callLater`. Pass your own `Clock` to share it with
   * other fakes. @default a new Clock
   */
  readonly clock?: Clock;
}

/**
 * An {@link ITransportHost} for testing transports (real sockets or fakes) without a
 * reactor: time comes from a {@link Clock} (so connect timeouts and shutdown grace periods
 * run only when the test calls {@link advance}), every `reportError` call is recorded in
 * {@link errors}, and every registered resource is kept in {@link resources} until it
 * unregisters.
 */
export class FakeTransportHost implements ITransportHost {
  /** The clock driving `callLater`. */
  readonly clock: Clock;
  /** Every error reported so far, in order. Clear it with `errors.length = 0`. */
  readonly errors: ReportedError[] = [];
  /** The resources registered and not yet unregistered. */
  readonly resources = new Set<IShutdownResource>();
  /** How many resources were ever registered. */
  registrations = 0;

  constructor(options: FakeTransportHostOptions = {}) {
    this.clock = options.clock ?? new Clock();
  }

  seconds(): number {
    return this.clock.seconds();
  }

  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    return this.clock.callLater(delay, fn, ...args);
  }

  getDelayedCalls(): IDelayedCall[] {
    return this.clock.getDelayedCalls();
  }

  /** Moves the clock forward (see `Clock.advance`). */
  advance(amount: number): void {
    this.clock.advance(amount);
  }

  /** Adds `resource` to {@link resources}; the returned function removes it (idempotent). */
  registerResource(resource: IShutdownResource): () => void {
    this.resources.add(resource);
    this.registrations++;
    return () => {
      this.resources.delete(resource);
    };
  }

  /** Records the error; never throws. */
  reportError(error: unknown, context: string): void {
    this.errors.push({ error, context });
  }

  /**
   * Shuts every registered resource down as `reactor.stop()` does: ports first, then the
   * rest, each given `graceSeconds` (on this host's clock: advance it to let the grace
   * period run out). Resolves once all of them resolved.
   */
  async shutdownAll(graceSeconds = 0): Promise<void> {
    const all = [...this.resources];
    await Promise.all(all.filter((r) => r.kind === "port").map((r) => r.shutdown(graceSeconds)));
    await Promise.all(all.filter((r) => r.kind !== "port").map((r) => r.shutdown(graceSeconds)));
  }

  /**
   * Throws an `AggregateError` listing the reported errors, if any (for a test's
   * clean-up: a transport that reported something the test did not expect fails it).
   */
  assertNoErrors(): void {
    if (this.errors.length === 0) return;
    const summary = this.errors.map((e) => `${e.context}: ${describe(e.error)}`).join("; ");
    throw new AggregateError(
      this.errors.map((e) => e.error),
      `unexpected reported errors: ${summary}`,
    );
  }

  /** Cancels every pending delayed call (so none runs if the clock is advanced later). */
  dispose(): void {
    for (const call of this.clock.getDelayedCalls()) call.cancel();
  }
}

/** A one-line description of any thrown value (never throws). */
function describe(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
