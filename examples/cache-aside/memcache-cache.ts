// A Cache on memcached: one MemCacheProtocol connection kept up by ClientService (it
// reconnects with backoff if memcached restarts).
import { ClientService, Factory, clientFromString, type NodeReactor } from "torsion";
import { MemCacheProtocol } from "@torsion/memcache";
import type { Cache } from "./cache.js";

export class MemcacheCache implements Cache {
  readonly #service: ClientService<MemCacheProtocol>;

  /** `endpoint` is a client endpoint description: `tcp:host=127.0.0.1:port=11211`, `unix:path=/tmp/mc.sock`. */
  constructor(reactor: NodeReactor, endpoint: string) {
    const factory = new (class extends Factory<MemCacheProtocol> {
      override buildProtocol(): MemCacheProtocol {
        return new MemCacheProtocol({ clock: reactor, timeOut: 5 });
      }
    })();
    this.#service = new ClientService<MemCacheProtocol>(clientFromString(reactor, endpoint), factory, { clock: reactor });
    this.#service.startService();
  }

  async get(key: string): Promise<Buffer | null> {
    const memcache = await this.#service.whenConnected().asPromise();
    const [, value] = await memcache.get(key).asPromise();
    return value;
  }

  async set(key: string, value: Buffer, ttl: number): Promise<void> {
    const memcache = await this.#service.whenConnected().asPromise();
    await memcache.set(key, value, 0, ttl).asPromise();
  }

  /** Stops reconnecting and closes the connection. */
  close(): Promise<unknown> {
    return this.#service.stopService().asPromise();
  }
}
