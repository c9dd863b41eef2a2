/** `torsion echo --listen DESCRIPTION`: an echo server (every byte received is sent back). */
import { Factory, Protocol } from "@torsion/core";
import { RunnerUsageError } from "../errors.js";
import { listenService } from "./listen-service.js";
import { parseOptions } from "./parse-options.js";
import type { RunnerPlugin } from "./plugin.js";

/** Sends every byte back. */
export class EchoProtocol extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

export const echoPlugin: RunnerPlugin = {
  name: "echo",
  summary: "an echo server",
  usage: `Usage: torsion echo --listen DESCRIPTION [--listen DESCRIPTION ...]

Sends every byte received back. --listen takes a server endpoint description
(tcp:8000, tcp:8000:interface=127.0.0.1, unix:/tmp/echo.sock, ssl:8443:privateKey=key.pem, ...).
`,
  makeService(args, context) {
    const parsed = parseOptions(args, [{ name: "listen", takesValue: true, repeatable: true }]);
    if (parsed.positionals.length > 0) throw new RunnerUsageError(`echo: unexpected argument ${parsed.positionals[0]!}`);
    return listenService(context.reactor, parsed.values.get("listen") ?? [], Factory.forProtocol(EchoProtocol), context.log, "echo");
  },
};
