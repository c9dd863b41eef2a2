// Echo server that listens where an endpoint description says.
//   node examples/dist/endpoint-echo/server.js [DESCRIPTION]
// e.g. tcp:8000:interface=127.0.0.1 (the default), tcp:0:interface=127.0.0.1 (a free
// port), tcp6:8000:interface=\:\:1, unix:/tmp/echo.sock. Stops on SIGINT/SIGTERM.
//   or: npx torsion serve --listen tcp:8000:interface=127.0.0.1 examples/dist/endpoint-echo/server.js
import { pathToFileURL } from "node:url";
import { reactor, serverFromString, Factory, Protocol, type IStreamServerEndpoint } from "torsion";

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

function listen(endpoint: IStreamServerEndpoint, description: string): void {
  endpoint.listen(Factory.forProtocol(Echo)).addCallbacks(
    (port) => reactor.callWhenRunning(() => console.log(`endpoint echo server listening on ${String(port.getHost())}`)),
    (failure) => {
      console.log(`cannot listen on ${description}: ${failure.getErrorMessage()}`);
      process.exitCode = 1;
      reactor.callWhenRunning(() => reactor.stop());
    },
  );
  void reactor.run();
}

/** What `torsion serve` serves. */
export const factory = Factory.forProtocol(Echo);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const description = process.argv[2] ?? "tcp:8000:interface=127.0.0.1";
  try {
    listen(serverFromString(reactor, description), description);
  } catch (error) {
    console.log(`bad description ${description}: ${String(error)}`);
    process.exitCode = 2;
  }
}
