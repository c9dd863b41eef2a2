/** Shared helpers of the reactor tests (not a test file itself). */
import type { TestContext } from "node:test";
import type { IShutdownResource, ResourceKind } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { NodeReactor, type NodeReactorOptions } from "@torsion/reactor";
import { type TimerDriver } from "@torsion/reactor/internal";

/** One report received by a capturing error reporter. */
export interface Report {
  readonly failure: Failure;
  readonly context: string;
}

/** An error reporter that records what it receives. */
export function captureReports(): { readonly reports: Report[]; readonly reporter: (failure: Failure, context: string) => void } {
  const reports: Report[] = [];
  return { reports, reporter: (failure, context) => reports.push({ failure, context }) };
}

/**
 * A reactor for a test: signal handlers off unless asked, reports captured, and torn down
 * after the test (crashed if still running, pending calls cancelled).
 */
export function makeReactor(t: TestContext, options: NodeReactorOptions = {}): { reactor: NodeReactor; reports: Report[] } {
  const { reports, reporter } = captureReports();
  const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter: reporter, ...options });
  t.after(() => {
    try {
      reactor.crash();
    } catch {
      // already stopped
    }
    for (const call of reactor.getDelayedCalls()) call.cancel();
  });
  return { reactor, reports };
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects if `promise` has not settled within `ms` milliseconds. */
export async function within<T>(promise: PromiseLike<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** How many Node `Timeout` handles (setTimeout/setInterval) are active. */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}

/** A {@link TimerDriver} under the test's control: records armings and fires on demand. */
export class FakeDriver implements TimerDriver {
  readonly armings: number[] = [];
  disarms = 0;
  #onFire: (() => void) | undefined;

  arm(delayMs: number, onFire: () => void): void {
    this.armings.push(delayMs);
    this.#onFire = onFire;
  }

  disarm(): void {
    this.disarms += 1;
    this.#onFire = undefined;
  }

  /** Whether it is armed. */
  get armed(): boolean {
    return this.#onFire !== undefined;
  }

  /** The most recent arming delay, in ms. */
  get lastDelayMs(): number | undefined {
    return this.armings.at(-1);
  }

  /** Fires the pending arming, as the real timer would. */
  fire(): void {
    const onFire = this.#onFire;
    this.#onFire = undefined;
    if (onFire === undefined) throw new Error("FakeDriver.fire(): not armed");
    onFire();
  }
}

/** A fake port or connection that records its shutdown and settles when told to. */
export class FakeResource implements IShutdownResource {
  readonly kind: ResourceKind;
  readonly graceSeconds: number[] = [];
  #settle: (() => void) | undefined;
  #fail: ((error: Error) => void) | undefined;

  constructor(
    kind: ResourceKind,
    readonly log: string[],
    readonly label: string,
    readonly autoClose = true,
  ) {
    this.kind = kind;
  }

  shutdown(graceSeconds: number): Promise<void> {
    this.graceSeconds.push(graceSeconds);
    this.log.push(`shutdown ${this.label}`);
    return new Promise<void>((resolve, reject) => {
      this.#settle = () => {
        this.log.push(`closed ${this.label}`);
        resolve();
      };
      this.#fail = reject;
      if (this.autoClose) setImmediate(() => this.#settle?.());
    });
  }

  /** Settles a shutdown that was not auto-closed. */
  close(): void {
    this.#settle?.();
  }

  /** Rejects the pending shutdown. */
  failWith(error: Error): void {
    this.#fail?.(error);
  }
}
