/** Services that listen on endpoint descriptions and say where they listen. */
import cluster from "node:cluster";
import createDebug from "debug";
import type { IProtocolFactory } from "@torsion/core";
import type { Deferred } from "@torsion/defer";
import { MultiService, StreamServerEndpointService } from "@torsion/application";
import { parseDescription, serverFromString } from "@torsion/endpoints";
import type { Logger } from "@torsion/logger";
import { RunnerUsageError } from "../errors.js";
import type { PluginReactor } from "./plugin.js";

const debug = createDebug("torsion:cli:listen-service");

/**
 * The listen backlog a worker asks for when its description names none: Node's own default
 * (the kernel caps it at `net.core.somaxconn`), instead of Twisted's 50.
 */
export const WORKER_BACKLOG = 511;

/** Where each stream server type takes `backlog` as a positional (0 = the first after the type). */
const BACKLOG_POSITION: Readonly<Record<string, number>> = { tcp: 2, tcp6: 1, unix: 2, ssl: 5 };

/**
 * `description` with `:backlog=`{@link WORKER_BACKLOG} added when it is a `tcp`, `tcp6`,
 * `unix` or `ssl` server description that gives no backlog (as a keyword or positional);
 * otherwise unchanged.
 *
 * Why: under `--workers` the listening socket lives in the primary, whose one accept queue
 * feeds every worker, and the primary hands each accepted connection to a worker over IPC
 * (one at a time per worker, waiting for its acknowledgement). With Twisted's backlog of
 * 50, a burst of connections (200 clients connecting at once) overflows the queue while
 * the primary is busy or descheduled; Linux then drops the SYN (or the handshake's last
 * ACK), and the client only retries after 1, 3, 7, 15 s: under CPU load some clients got no
 * reply within 15 s. Node's cluster primary listens with the backlog the first worker
 * asks for, so the worker asks for more.
 */
export function workerDescription(description: string): string {
  const parsed = parseDescription(description);
  const position = BACKLOG_POSITION[parsed.type.toLowerCase()];
  if (position === undefined || "backlog" in parsed.kwargs || parsed.args.length > position) return description;
  return `${description}:backlog=${WORKER_BACKLOG}`;
}

/**
 * A {@link StreamServerEndpointService} that logs `listening on ...` once it listens. In a
 * `--workers` worker, a description without a backlog gets {@link WORKER_BACKLOG}
 * (see {@link workerDescription}).
 */
export class AnnouncedServerService extends StreamServerEndpointService {
  readonly #log: Logger;

  constructor(reactor: PluginReactor, description: string, factory: IProtocolFactory, log: Logger) {
    super(serverFromString(reactor, cluster.isWorker ? workerDescription(description) : description), factory, { description });
    this.#log = log;
  }

  override startService(): Deferred<unknown> {
    return super.startService().addCallback((port) => {
      const address = this.port?.getHost();
      debug("%s listening on %s", this.description, String(address));
      this.#log.info("listening on {description} ({address})", {
        description: this.description,
        address: String(address),
        pid: process.pid,
      });
      return port;
    });
  }
}

/**
 * One {@link AnnouncedServerService} per description, under one `MultiService`.
 * @throws RunnerUsageError if `descriptions` is empty; `EndpointDescriptionError` for a bad one
 */
export function listenService(
  reactor: PluginReactor,
  descriptions: readonly string[],
  factory: IProtocolFactory,
  log: Logger,
  command: string,
): MultiService {
  if (descriptions.length === 0) throw new RunnerUsageError(`${command}: at least one --listen DESCRIPTION is required`);
  const parent = new MultiService();
  for (const description of descriptions) new AnnouncedServerService(reactor, description, factory, log).setServiceParent(parent);
  return parent;
}
