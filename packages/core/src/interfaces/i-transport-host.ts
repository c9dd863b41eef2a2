import type { IReactorTime } from "./i-reactor-time.js";

/** What kind of resource a transport registers with its host. */
export type ResourceKind = "port" | "connection";

/**
 * Something the reactor must close when it stops: a listening port, a UDP port, a
 * connection or a pending connection attempt.
 */
export interface IShutdownResource {
  /** Ports are stopped before connections are closed. */
  readonly kind: ResourceKind;
  /**
   * Called once, during `reactor.stop()`. A port stops listening; a connection calls
   * `loseConnection` (flushing pending writes) and aborts if it has not closed after
   * `graceSeconds`. Resolves once the resource is closed.
   */
  shutdown(graceSeconds: number): PromiseLike<void>;
}

/**
 * The services a transport (TCP, UDP, Unix) gets from the reactor that drives it:
 * time, error reporting, and registration of what must be closed on `stop()`.
 * Transport packages depend on this interface, never on the reactor class.
 */
export interface ITransportHost extends IReactorTime {
  /**
   * Registers `resource` so `reactor.stop()` closes it. Returns a function that
   * unregisters it (call it once the resource has closed on its own).
   */
  registerResource(resource: IShutdownResource): () => void;
  /**
   * Reports an exception thrown by user code (a protocol or factory callback) through the
   * reactor's error reporter. Never throws.
   */
  reportError(error: unknown, context: string): void;
}
