// Twisted's finger tutorial, step "finger06"-style: a LineReceiver whose factory (built
// with constructor arguments through forProtocol) answers through a Deferred.
import { LineReceiver, ServerFactory, succeed, type Deferred } from "torsion";
import { StringTransport } from "torsion/testing";

class FingerProtocol extends LineReceiver<FingerFactory> {
  override lineReceived(user: Buffer): void {
    this.factory
      .getUser(user.toString())
      .addErrback(() => Buffer.from("Internal error in server"))
      .addCallback((message: Buffer) => {
        this.sendLine(message);
        this.transport.loseConnection();
      });
  }
}

class FingerFactory extends ServerFactory<FingerProtocol> {
  readonly users: ReadonlyMap<string, string>;
  constructor(users: ReadonlyMap<string, string>) {
    super();
    this.users = users;
  }
  getUser(user: string): Deferred<Buffer> {
    return succeed(Buffer.from(this.users.get(user) ?? "No such user"));
  }
}

const factory = FingerFactory.forProtocol(FingerProtocol, new Map([["moshez", "Happy and well"]]));
const transport = new StringTransport();
const protocol = factory.buildProtocol(transport.getPeer());
protocol?.makeConnection(transport);
protocol?.dataReceived(Buffer.from("moshez\r\n"));
process.stdout.write(`finger: ${JSON.stringify(transport.value().toString())} closing=${String(transport.disconnecting)}\n`);
