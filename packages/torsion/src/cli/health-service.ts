/** `--health DESCRIPTION`: answers every connection with `OK\n` and closes it, for load balancers. */
import { Factory, Protocol } from "@torsion/core";
import type { Logger } from "@torsion/logger";
import { AnnouncedServerService } from "./listen-service.js";
import type { PluginReactor } from "./plugin.js";

/** Writes `OK\n` and closes (after the write is flushed). */
export class HealthCheckProtocol extends Protocol {
  override connectionMade(): void {
    this.transport!.write(Buffer.from("OK\n"));
    this.transport!.loseConnection();
  }
}

/** The health-check listener, a service to add beside the plugin's. */
export function healthService(reactor: PluginReactor, description: string, log: Logger): AnnouncedServerService {
  const service = new AnnouncedServerService(reactor, description, Factory.forProtocol(HealthCheckProtocol), log);
  service.setName("health");
  return service;
}
