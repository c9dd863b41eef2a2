// AMP RPC client: asks the server for fib(N) for each N given (all calls in flight at once)
// and prints one value per line, in the order asked.
//   node examples/dist/amp-rpc/client.js PORT N [N ...]
import { reactor, AMP, ClientFactory, type Failure, type IConnector } from "torsion";
import { Fib } from "./fib-command.js";

const [portText, ...ns] = process.argv.slice(2);
if (portText === undefined || ns.length === 0) {
  console.error("usage: client.js PORT N [N ...]");
  process.exit(2);
}

class FibClient extends AMP {
  override connectionMade(): void {
    super.connectionMade();
    Promise.all(ns.map((n) => this.callRemote(Fib, { n: BigInt(n) })))
      .then((answers) => {
        for (const { value } of answers) console.log(value.toString());
      })
      .catch((error: unknown) => {
        console.error(`error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        process.exitCode = 1;
      })
      .finally(() => this.transportOrNull?.loseConnection());
  }
}

class FibClientFactory extends ClientFactory {
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.error(`connection failed: ${reason.getErrorMessage()}`);
    process.exitCode = 1;
    reactor.stop();
  }
  override clientConnectionLost(): void {
    reactor.stop();
  }
}

reactor.connectTCP("127.0.0.1", Number(portText), FibClientFactory.forProtocol(FibClient));
void reactor.run();
