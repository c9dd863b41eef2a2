// A worker of the AMP pool: connects to the dispatcher and answers CountPrimes until the
// dispatcher closes the connection.
//   node examples/dist/amp-worker-pool/worker.js PORT
import { reactor, AMP, ClientFactory, type Failure, type IConnector } from "torsion";
import { CountPrimes, countPrimes } from "./count-primes.js";

class PoolWorker extends AMP {
  constructor() {
    super();
    this.responder(CountPrimes, ({ below }) => ({ count: countPrimes(below), worker: process.pid }));
  }
}

class WorkerFactory extends ClientFactory {
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    console.error(`connection failed: ${reason.getErrorMessage()}`);
    process.exitCode = 1;
    reactor.stop();
  }
  override clientConnectionLost(): void {
    reactor.stop();
  }
}

reactor.connectTCP("127.0.0.1", Number(process.argv[2]), WorkerFactory.forProtocol(PoolWorker));
void reactor.run();
