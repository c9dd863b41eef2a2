/**
 * Server endpoints' `listen` fires once the socket is really bound.
 *
 * A reactor's `listenTCP`/`listenUNIX` binds before it returns, except where Node binds
 * later: in a `node:cluster` worker, `server.listen()` only asks the primary, which binds
 * the shared socket on its own schedule and answers over IPC (success, or e.g.
 * `EADDRINUSE`). There, the port is returned before anything is bound, and a failure
 * would arrive as a late error event after `listen`'s Deferred had already fired.
 * {@link listenWhenBound} watches the `net.Server`s whose `listen()` started during the
 * call (Node's `tracing:net.server.listen:asyncStart` diagnostics channel; without it, as on older Node 20 releases, nothing is waited for)
 * and fires only once each is listening, or fails with `CannotListenError` when one
 * fails to bind. Where nothing is pending (the usual case) it is `execute(listen)`.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import createDebug from "debug";
import { CannotListenError, type IListeningPort } from "@torsion/core";
import { Deferred, execute } from "@torsion/defer";

const debug = createDebug("torsion:endpoints:listen-when-bound");

const LISTEN_STARTS = "tracing:net.server.listen:asyncStart";

/** The part of a `net.Server` used here (endpoints never import `node:net`). */
interface BindingServer {
  readonly listening: boolean;
  once(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

function isBindingServer(value: unknown): value is BindingServer {
  if (typeof value !== "object" || value === null) return false;
  const server = value as Partial<BindingServer>;
  return typeof server.listening === "boolean" && typeof server.once === "function" && typeof server.removeListener === "function";
}

/** Where a failed bind was: the `CannotListenError` arguments (interface, port or path). */
export type ListenPlace = readonly [iface: string, port: number | string];

/**
 * Runs `listen` (a synchronous `reactor.listenX(...)`) and returns a Deferred that fires
 * with its port once every server it started is bound; a synchronous throw fails it
 * (as `execute`). A server that fails to bind fails it with
 * `CannotListenError(...place, error)` (the port has already stopped listening).
 * Cancelling while waiting stops the port.
 */
export function listenWhenBound(listen: () => IListeningPort, place: ListenPlace): Deferred<IListeningPort> {
  const started: BindingServer[] = [];
  const onStart = (message: unknown): void => {
    const server = (message as { server?: unknown } | null)?.server;
    if (isBindingServer(server)) started.push(server);
  };
  subscribe(LISTEN_STARTS, onStart);
  let listening: Deferred<IListeningPort>;
  try {
    listening = execute(listen);
  } finally {
    unsubscribe(LISTEN_STARTS, onStart);
  }
  const pending = started.filter((server) => !server.listening);
  if (pending.length === 0) return listening;
  debug("waiting for %d server(s) to bind at %s", pending.length, String(place[1]));
  return listening.addCallback((port) => whenBound(port, pending, place));
}

function whenBound(port: IListeningPort, servers: readonly BindingServer[], place: ListenPlace): Deferred<IListeningPort> {
  const detach: (() => void)[] = [];
  const stopWatching = (): void => {
    for (const undo of detach.splice(0)) undo();
  };
  const bound = new Deferred<IListeningPort>(() => {
    stopWatching();
    void port.stopListening();
  });
  let left = servers.length;
  for (const server of servers) {
    const onListening = (): void => {
      if (--left > 0) return;
      stopWatching();
      bound.callback(port);
    };
    const onError = (error: Error): void => {
      stopWatching();
      debug("bind failed at %s: %s", String(place[1]), error.message);
      void port.stopListening();
      bound.errback(new CannotListenError(place[0], place[1], error));
    };
    server.once("listening", onListening);
    server.once("error", onError);
    detach.push(() => {
      server.removeListener("listening", onListening);
      server.removeListener("error", onError);
    });
  }
  return bound;
}
