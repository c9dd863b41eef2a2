import createDebug from "debug";
import type { LogEvent, LogObserver } from "./log-event.js";

const debug = createDebug("torsion:logger:publisher");

/**
 * Fans events out to observers (Twisted's `LogPublisher`). Observers run synchronously, in
 * the order they were added. An observer that throws is removed, and the error is written
 * to the `torsion:logger:publisher` debug namespace, so one broken observer can neither
 * stop the others nor loop by logging its own failure.
 */
export class LogPublisher {
  readonly #observers: LogObserver[] = [];

  /** Adds `observer` (once: adding it again does nothing). */
  addObserver(observer: LogObserver): void {
    if (!this.#observers.includes(observer)) this.#observers.push(observer);
  }

  /** Removes `observer`; does nothing if it is not there. */
  removeObserver(observer: LogObserver): void {
    const index = this.#observers.indexOf(observer);
    if (index !== -1) this.#observers.splice(index, 1);
  }

  /** How many observers there are. */
  get observerCount(): number {
    return this.#observers.length;
  }

  /** Sends `event` to every observer. Never throws. */
  emit(event: LogEvent): void {
    for (const observer of [...this.#observers]) {
      try {
        observer(event);
      } catch (error) {
        this.removeObserver(observer);
        debug("removed an observer that threw: %O", error);
      }
    }
  }
}

/**
 * The process's publisher, which every `Logger` uses unless given another. It starts with
 * no observers: events go nowhere until an application (or the `torsion` runner) adds one,
 * so importing a library that logs prints nothing by itself.
 */
export const globalLogPublisher = new LogPublisher();
