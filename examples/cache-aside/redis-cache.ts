// A Cache on Redis: one RedisClient (a ClientService underneath: it reconnects with backoff
// if redis-server restarts). Entries with a time-to-live are stored with SETEX.
import type { NodeReactor } from "torsion";
import { RedisClient } from "@torsion/redis";
import type { Cache } from "./cache.js";

export class RedisCache implements Cache {
  readonly #redis: RedisClient;

  /** `address` is a `redis://host:port/db` URL or a `unix:` endpoint description. */
  constructor(reactor: NodeReactor, address: string) {
    this.#redis = new RedisClient(reactor, address).start();
  }

  get(key: string): Promise<Buffer | null> {
    return this.#redis.get(key).asPromise();
  }

  async set(key: string, value: Buffer, ttl: number): Promise<void> {
    await (ttl > 0 ? this.#redis.setex(key, ttl, value) : this.#redis.set(key, value)).asPromise();
  }

  /** Stops reconnecting and closes the connection. */
  close(): Promise<unknown> {
    return this.#redis.close().asPromise();
  }
}
