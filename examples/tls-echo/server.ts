// TLS echo server from an endpoint description.
//   node examples/dist/tls-echo/server.js DESCRIPTION
// e.g. ssl:8443:interface=127.0.0.1:privateKey=server.key:certKey=server.pem (a file
// holding the key, and one holding the certificate), or tcp:8000:interface=127.0.0.1 for
// plaintext. Each connection reports its TLS handshake. Stops on SIGINT/SIGTERM.
//   or: npx torsion serve --listen ssl:8443:interface=127.0.0.1:privateKey=server.key:certKey=server.pem examples/dist/tls-echo/server.js
import { pathToFileURL } from "node:url";
import { reactor, serverFromString, Factory, Protocol, type ISSLTransport } from "torsion";

class Echo extends Protocol {
  handshakeCompleted(): void {
    const transport = this.transport as ISSLTransport;
    console.log(`handshake completed with ${String(transport.getPeer())} (ALPN ${transport.negotiatedProtocol ?? "none"})`);
  }

  override dataReceived(data: Buffer): void {
    this.transport.write(data);
  }
}

/** What `torsion serve` serves (e.g. --listen ssl:8443:interface=127.0.0.1:privateKey=server.key:certKey=server.pem). */
export const factory = Factory.forProtocol(Echo);

const runDirectly = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (runDirectly) {
  const [description = "ssl:8443:interface=127.0.0.1:privateKey=server.key:certKey=server.pem"] = process.argv.slice(2);
  try {
    serverFromString(reactor, description)
      .listen(Factory.forProtocol(Echo))
      .addCallbacks(
        (port) => reactor.callWhenRunning(() => console.log(`tls echo server listening on ${String(port.getHost())}`)),
        (failure) => {
          console.log(`cannot listen on ${description}: ${failure.getErrorMessage()}`);
          process.exitCode = 1;
          reactor.callWhenRunning(() => reactor.stop());
        },
      );
    void reactor.run();
  } catch (error) {
    console.log(`bad description ${description}: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
