import "@torsion/tls";
import type { IReactorTime, IStreamClientEndpoint } from "@torsion/core";
import type { Deferred } from "@torsion/defer";
import { clientFromString, connectProtocol } from "@torsion/endpoints";
import { AmqpConnection, type AmqpConnectionOptions } from "./connection.js";
import { parseAmqpUrl } from "./url.js";

/** Options of {@link connectAmqp}: the connection's options, without the clock (the reactor is it). */
export type ConnectAmqpOptions = Omit<AmqpConnectionOptions, "clock"> & {
  /** An endpoint to connect through instead of the URL's host and port (a description or an endpoint). */
  readonly endpoint?: string | IStreamClientEndpoint;
};

/** What `connectAmqp` needs of a reactor: time, plus whatever the endpoint needs (TCP, TLS). */
export type AmqpReactor = IReactorTime & object;

/**
 * Connects to a broker and fires with the open {@link AmqpConnection} (after login and
 * vhost open). `url` is an `amqp://` / `amqps://` URL (see `parseAmqpUrl`); options given
 * here override the URL's. `amqps://` goes over Torsion's TLS (`@torsion/tls`).
 *
 * @example
 * ```ts
 * const connection = await connectAmqp(reactor, "amqp://guest:guest@127.0.0.1:5672/");
 * const channel = await connection.channel();
 * ```
 */
export function connectAmqp(reactor: AmqpReactor, url: string, options: ConnectAmqpOptions = {}): Deferred<AmqpConnection> {
  const { endpoint, ...rest } = options;
  const u = parseAmqpUrl(url);
  const connection = new AmqpConnection({
    clock: reactor,
    username: u.username,
    password: u.password,
    vhost: u.vhost,
    ...(u.heartbeat === undefined ? {} : { heartbeat: u.heartbeat }),
    ...(u.frameMax === undefined ? {} : { frameMax: u.frameMax }),
    ...(u.channelMax === undefined ? {} : { channelMax: u.channelMax }),
    ...rest,
  });
  const ep = endpoint === undefined || typeof endpoint === "string" ? clientFromString(reactor, endpoint ?? u.endpoint) : endpoint;
  return connectProtocol(ep, connection).addCallback((c) => c.whenReady());
}
