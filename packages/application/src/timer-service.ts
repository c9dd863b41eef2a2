import { LoopingCall, type IReactorTime } from "@torsion/core";
import { succeed, type Deferred } from "@torsion/defer";
import { Logger } from "@torsion/logger";
import { Service } from "./service.js";

const log = new Logger({ namespace: "torsion.application.timer" });

/**
 * Calls `fn(...args)` every `step` seconds while running (Twisted's `TimerService`): the
 * first call happens at start, later ones follow `LoopingCall`'s schedule on `clock`. If
 * `fn` throws (or its Deferred fails) the loop ends and the failure is logged at
 * `critical` in `torsion.application.timer`; the service stays "running" until stopped,
 * as in Twisted. `stopService` stops the loop and fires once a call in progress is done.
 */
export class TimerService extends Service {
  readonly step: number;
  readonly #clock: IReactorTime;
  readonly #fn: (...args: never[]) => unknown;
  readonly #args: unknown[];
  #loop: LoopingCall | null = null;
  #finished: Deferred<unknown> | null = null;

  constructor(clock: IReactorTime, step: number, fn: (...args: never[]) => unknown, ...args: unknown[]) {
    super();
    if (typeof step !== "number" || !Number.isFinite(step) || step < 0)
      throw new RangeError(`step must be a finite number >= 0, got ${String(step)}`);
    this.#clock = clock;
    this.step = step;
    this.#fn = fn;
    this.#args = args;
  }

  override startService(): void {
    super.startService();
    const loop = new LoopingCall(this.#clock, this.#fn, ...this.#args);
    this.#loop = loop;
    this.#finished = loop.start(this.step, true).addErrback((failure) => {
      log.failure("TimerService's call failed; the timer has stopped", failure);
      return null;
    });
  }

  override stopService(): Deferred<unknown> {
    const loop = this.#loop;
    const finished = this.#finished ?? succeed(null);
    this.#loop = null;
    this.#finished = null;
    if (loop?.running === true) loop.stop();
    return finished.addCallback(() => {
      super.stopService();
      return null;
    });
  }
}
