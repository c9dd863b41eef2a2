/** Services that listen on endpoint descriptions and say where they listen. */
import createDebug from "debug";
import type { IProtocolFactory } from "@torsion/core";
import type { Deferred } from "@torsion/defer";
import { MultiService, StreamServerEndpointService } from "@torsion/application";
import { serverFromString } from "@torsion/endpoints";
import type { Logger } from "@torsion/logger";
import { RunnerUsageError } from "../errors.js";
import type { PluginReactor } from "./plugin.js";

const debug = createDebug("torsion:cli:listen-service");

/** A {@link StreamServerEndpointService} that logs `listening on ...` once it listens. */
export class AnnouncedServerService extends StreamServerEndpointService {
  readonly description: string;
  readonly #log: Logger;

  constructor(reactor: PluginReactor, description: string, factory: IProtocolFactory, log: Logger) {
    super(serverFromString(reactor, description), factory);
    this.description = description;
    this.#log = log;
  }

  override startService(): Deferred<unknown> {
    return super.startService().addCallback((port) => {
      const address = this.port?.getHost();
      debug("%s listening on %s", this.description, String(address));
      this.#log.info("listening on {description} ({address})", { description: this.description, address: String(address), pid: process.pid });
      return port;
    });
  }
}

/**
 * One {@link AnnouncedServerService} per description, under one `MultiService`.
 * @throws RunnerUsageError if `descriptions` is empty; `EndpointDescriptionError` for a bad one
 */
export function listenService(reactor: PluginReactor, descriptions: readonly string[], factory: IProtocolFactory, log: Logger, command: string): MultiService {
  if (descriptions.length === 0) throw new RunnerUsageError(`${command}: at least one --listen DESCRIPTION is required`);
  const parent = new MultiService();
  for (const description of descriptions) new AnnouncedServerService(reactor, description, factory, log).setServiceParent(parent);
  return parent;
}
