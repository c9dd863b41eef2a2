import { quoteStringArgument } from "@torsion/endpoints";
import { AmqpUrlError } from "./errors.js";

/** What an `amqp://` / `amqps://` URL says. */
export interface AmqpUrl {
  /** True for `amqps://` (TLS). */
  readonly tls: boolean;
  readonly host: string;
  /** @default 5672, or 5671 for amqps */
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The URL-decoded path (`%2F` gives `/`); an empty path gives `/`. */
  readonly vhost: string;
  readonly heartbeat?: number;
  readonly frameMax?: number;
  readonly channelMax?: number;
  /** The client endpoint description (`tcp:host=…:port=…` or `tls:…`) for `clientFromString`. */
  readonly endpoint: string;
}

function integer(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new AmqpUrlError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * Parses `amqp://user:pass@host:port/vhost?heartbeat=&frame_max=&channel_max=` (user,
 * password and vhost URL-decoded; defaults guest/guest, 5672 or 5671, vhost `/`).
 * `amqps://` URLs may add `cacertdir=DIR` (trust roots for the broker's certificate).
 * @throws AmqpUrlError
 */
export function parseAmqpUrl(url: string): AmqpUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new AmqpUrlError(`not a URL: ${JSON.stringify(url)}`, { cause: error });
  }
  const tls = parsed.protocol === "amqps:";
  if (!tls && parsed.protocol !== "amqp:") throw new AmqpUrlError(`unsupported scheme ${parsed.protocol} (amqp: or amqps:)`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  const port = parsed.port === "" ? (tls ? 5671 : 5672) : integer("port", parsed.port);
  const path = parsed.pathname;
  const vhost = path === "" || path === "/" ? "/" : decodeURIComponent(path.slice(1));
  const options: { heartbeat?: number; frameMax?: number; channelMax?: number } = {};
  let caCertsDir: string | undefined;
  for (const [key, value] of parsed.searchParams) {
    if (key === "heartbeat") options.heartbeat = integer(key, value);
    else if (key === "frame_max") options.frameMax = integer(key, value);
    else if (key === "channel_max") options.channelMax = integer(key, value);
    else if (key === "cacertdir" && tls) caCertsDir = value;
    else throw new AmqpUrlError(`unknown URL parameter ${JSON.stringify(key)}`);
  }
  const q = quoteStringArgument;
  const endpoint = tls
    ? `tls:${q(host)}:${port}${caCertsDir === undefined ? "" : `:trustRoots=${q(caCertsDir)}`}`
    : `tcp:host=${q(host)}:port=${port}`;
  return {
    tls,
    host,
    port,
    username: parsed.username === "" ? "guest" : decodeURIComponent(parsed.username),
    password: parsed.password === "" && parsed.username === "" ? "guest" : decodeURIComponent(parsed.password),
    vhost,
    ...options,
    endpoint,
  };
}
