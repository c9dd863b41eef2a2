// AMP RPC server: answers Fib(n) with fib(n) (the RPC tutorial, on AMP: the tag of each call
// is its correlation id, and answers may come back in any order).
//   node examples/dist/amp-rpc/server.js [PORT]     (127.0.0.1; 0 picks a free port)
//   or: npx torsion serve --listen tcp:0:interface=127.0.0.1 examples/dist/amp-rpc/server.js
import { pathToFileURL } from "node:url";
import { reactor, AMP, Factory } from "torsion";
import { Fib, fib } from "./fib-command.js";

class FibServer extends AMP {
  constructor() {
    super();
    this.responder(Fib, ({ n }) => ({ value: fib(n) }));
  }
}

/** What `torsion serve` serves. */
export const factory = Factory.forProtocol(FibServer);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const port = reactor.listenTCP(Number(process.argv[2] ?? "0"), factory, { interface: "127.0.0.1" });
  reactor.callWhenRunning(() => console.log(`listening on ${port.getHost().port}`));
  void reactor.run();
}
