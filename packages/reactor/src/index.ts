export { NodeReactor, type NodeReactorOptions } from "./node-reactor.js";
export type { ListenUNIXDatagramOptions, ConnectUNIXDatagramOptions } from "./unix-datagram.js";
export { UnknownTriggerError, InvalidEventPhaseError, ShutdownTimeoutError } from "./errors.js";
export { SHUTDOWN_MARGIN_SECONDS } from "./resource-registry.js";
export { SHUTDOWN_SIGNALS, type ShutdownSignal } from "./signal-handlers.js";
