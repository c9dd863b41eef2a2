export { NodeReactor, type NodeReactorOptions } from "./node-reactor.js";
export type { ListenUNIXDatagramOptions, ConnectUNIXDatagramOptions } from "./unix-datagram.js";
export { TimerQueue, createNodeTimerDriver, type TimerDriver, type TimerQueueOptions } from "./timer-queue.js";
export { UnknownTriggerError, InvalidEventPhaseError, ShutdownTimeoutError } from "./errors.js";
export { SHUTDOWN_MARGIN_SECONDS } from "./resource-registry.js";
export { SHUTDOWN_SIGNALS, type ShutdownSignal } from "./signal-handlers.js";
