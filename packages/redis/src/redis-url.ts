import { quoteStringArgument } from "@torsion/endpoints";
import { RedisUrlError } from "./errors.js";

/** What a Redis address says: an endpoint description plus the handshake settings it carries. */
export interface RedisAddress {
  /** A `clientFromString` description: `tcp:host=...:port=...` or `unix:...`. */
  readonly description: string;
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Parses `redis://[[user]:password@]host[:port][/db]` (port 6379 by default; IPv6 hosts in
 * brackets; user and password URL-decoded), or passes a `unix:`/`tcp:` endpoint
 * description through unchanged (`unix:/run/redis.sock`).
 * @throws RedisUrlError for anything else, a bad port or a bad database number
 */
export function parseRedisAddress(address: string): RedisAddress {
  if (/^(unix|tcp|tcp6):/i.test(address)) return { description: address };
  if (!/^redis:\/\//i.test(address)) throw new RedisUrlError(`not a redis:// URL nor a unix:/tcp: description: ${address}`);
  let url: URL;
  try {
    url = new URL(address);
  } catch (error) {
    throw new RedisUrlError(`bad Redis URL ${address}`, { cause: error });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new RedisUrlError(`no host in ${address}`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? undefined : Number(path);
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) throw new RedisUrlError(`bad database number ${JSON.stringify(path)} in ${address}`);
  const username = url.username === "" ? undefined : decodeURIComponent(url.username);
  const password = url.password === "" ? undefined : decodeURIComponent(url.password);
  return {
    description: `tcp:host=${quoteStringArgument(host)}:port=${port}`,
    ...(db === undefined ? {} : { db }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}
