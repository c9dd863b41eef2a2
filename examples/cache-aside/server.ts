// Cache-aside user lookup: a line server answering `USER <id>` from the cache (memcached,
// or Redis with `--cache redis`) when it can, and from a slow backend (then filling the
// cache) when it cannot.
//   node examples/dist/cache-aside/server.js [--cache memcached|redis] CACHE_ADDRESS [PORT] [BACKEND_DELAY_MS]
//   e.g. node examples/dist/cache-aside/server.js tcp:host=127.0.0.1:port=11211 0 200
//        node examples/dist/cache-aside/server.js --cache redis redis://127.0.0.1:6379/0 0 200
// The environment variable CACHE_BACKEND (memcached or redis) is the default of --cache.
// Replies: `HIT <json>` (from the cache), `MISS <json>` (from the backend), `NOTFOUND <id>`.
import { reactor, Factory, LineReceiver } from "torsion";
import type { Cache } from "./cache.js";
import { MemcacheCache } from "./memcache-cache.js";
import { RedisCache } from "./redis-cache.js";

interface User {
  readonly id: string;
  readonly name: string;
}

/** The slow backend: an in-process map behind an injected delay. */
function makeBackend(delayMs: number): (id: string) => Promise<User | null> {
  const users = new Map<string, User>([
    ["1", { id: "1", name: "Ada Lovelace" }],
    ["2", { id: "2", name: "Grace Hopper" }],
  ]);
  return (id) => new Promise((resolve) => setTimeout(() => resolve(users.get(id) ?? null), delayMs));
}

const TTL_SECONDS = 60;

/** Reads through `cache`; fills it on a miss. */
async function lookup(cache: Cache, backend: (id: string) => Promise<User | null>, id: string): Promise<string> {
  const key = `user:${id}`;
  const cached = await cache.get(key);
  if (cached !== null) return `HIT ${cached.toString("utf8")}`;
  const user = await backend(id);
  if (user === null) return `NOTFOUND ${id}`;
  const json = JSON.stringify(user);
  await cache.set(key, Buffer.from(json, "utf8"), TTL_SECONDS);
  return `MISS ${json}`;
}

const USAGE = "usage: server.js [--cache memcached|redis] CACHE_ADDRESS [PORT] [BACKEND_DELAY_MS]";
const argv = process.argv.slice(2);
let backendName = process.env.CACHE_BACKEND ?? "memcached";
if (argv[0] === "--cache") {
  backendName = argv[1] ?? "";
  argv.splice(0, 2);
}
const [endpoint, portText = "0", delayText = "200"] = argv;
if (endpoint === undefined || (backendName !== "memcached" && backendName !== "redis")) {
  console.error(USAGE);
  process.exit(2);
}
const cache: Cache = backendName === "redis" ? new RedisCache(reactor, endpoint) : new MemcacheCache(reactor, endpoint);
const backend = makeBackend(Number(delayText));

class UserLookup extends LineReceiver {
  #queue: Promise<void> = Promise.resolve();

  override lineReceived(line: Buffer): void {
    const match = /^USER ([A-Za-z0-9_-]{1,64})$/.exec(line.toString("utf8"));
    // Replies leave in request order, even when a later lookup is a fast hit.
    this.#queue = this.#queue.then(async () => {
      const reply =
        match === null
          ? "ERROR expected USER <id>"
          : await lookup(cache, backend, match[1] as string).catch(
              (error: unknown) => `ERROR ${error instanceof Error ? error.message : String(error)}`,
            );
      this.sendLine(Buffer.from(reply, "utf8"));
    });
  }
}

const port = reactor.listenTCP(Number(portText), Factory.forProtocol(UserLookup), { interface: "127.0.0.1" });
reactor.callWhenRunning(() => console.log(`listening on ${(port.getHost() as unknown as { port: number }).port}`));
void reactor.run();
