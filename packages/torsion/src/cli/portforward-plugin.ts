/** `torsion portforward --port DESCRIPTION --dest DESCRIPTION`: Twisted's port forwarder. */
import { clientFromString } from "@torsion/endpoints";
import { ProxyFactory } from "@torsion/protocols";
import { RunnerUsageError } from "../errors.js";
import { listenService } from "./listen-service.js";
import { parseOptions, requiredValue } from "./parse-options.js";
import type { RunnerPlugin } from "./plugin.js";

export const portforwardPlugin: RunnerPlugin = {
  name: "portforward",
  summary: "forward every connection to another endpoint (TCP, Unix, TLS)",
  usage: `Usage: torsion portforward --port DESCRIPTION --dest DESCRIPTION

Listens on the server description --port (repeatable) and relays every connection to the
client description --dest, both ways, with backpressure and half-close passed through.

Example:
  torsion portforward --port tcp:8080:interface=127.0.0.1 --dest tcp:127.0.0.1:80
  torsion portforward --port unix:/tmp/app.sock --dest tls:example.test:443
`,
  makeService(args, context) {
    const parsed = parseOptions(args, [
      { name: "port", takesValue: true, repeatable: true },
      { name: "dest", takesValue: true },
    ]);
    if (parsed.positionals.length > 0) throw new RunnerUsageError(`portforward: unexpected argument ${parsed.positionals[0]!}`);
    if (!parsed.values.has("port")) throw new RunnerUsageError("portforward: at least one --port DESCRIPTION is required");
    const dest = clientFromString(context.reactor, requiredValue(parsed, "dest", "portforward"));
    return listenService(context.reactor, parsed.values.get("port") ?? [], new ProxyFactory(dest), context.log, "portforward");
  },
};
