/**
 * `@torsion/reactor/internal`: the timer queue behind `callLater` and its Node timer driver, exported for tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/reactor` instead.
 * @packageDocumentation
 */
export { TimerQueue, createNodeTimerDriver, type TimerDriver, type TimerQueueOptions } from "./timer-queue.js";
