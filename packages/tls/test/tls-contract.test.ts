/**
 * The stream-transport contract of @torsion/stream, run over TLS: in memory (the testing
 * kit's connectedServerAndClient, no sockets), over TCP on loopback and over a Unix socket
 * in a temp dir. TLS has no half-close (RFC 8446 §6.1: close_notify closes the write side
 * and Node's TLS socket does not keep the other open; Twisted #5341 too), so the two
 * half-close clauses are skipped with that reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientFactory, Factory, type IProtocol } from "@torsion/core";
import { connectedServerAndClient, FakeTransportHost, pumpIdle, pumpUntil } from "@torsion/testing";
import {
  Certificate,
  CertificateOptions,
  connectSSL,
  connectUNIXSSL,
  listenSSL,
  listenUNIXSSL,
  optionsForClientTLS,
  TLSMemoryBIOFactory,
  trustRootFromCertificates,
  type TLSProtocol,
} from "@torsion/tls";
import { describeStreamTransport, type StreamPair } from "../../stream/dist-test/stream-contract.js";
import { waitFor } from "./helpers.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const NO_HALF_CLOSE = "TLS has no half-close: close_notify ends the connection (RFC 8446 6.1, Twisted #5341)";
const skip = {
  "half-close: the half-closeable peer gets readConnectionLost and can still answer": NO_HALF_CLOSE,
  "half-close in the other direction: the server shuts its write side": NO_HALF_CLOSE,
};

class One extends ClientFactory {
  constructor(private readonly next: IProtocol) {
    super();
    this.noisy = false;
  }
  override buildProtocol(): IProtocol {
    return this.next;
  }
}

function contexts() {
  const pki = testPKI();
  return {
    server: new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert }),
    client: optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]) }),
  };
}

const connected = (p: IProtocol) => (p as { connected?: boolean }).connected === true;
const layerOf = (p: IProtocol) => ((p as { transportOrNull?: unknown }).transportOrNull ?? null) as TLSProtocol | null;
const secure = (p: IProtocol) => layerOf(p)?.handshakeDone === true;

async function memoryPair(server: IProtocol, client: IProtocol, chunkSize: number): Promise<StreamPair> {
  const { server: s, client: c } = contexts();
  const { pump } = connectedServerAndClient(
    new TLSMemoryBIOFactory(s, false, new One(server)),
    new TLSMemoryBIOFactory(c, true, new One(client)),
    { chunkSize },
  );
  await pumpUntil(pump, () => secure(server) && secure(client));
  return {
    settle: (until) => pumpUntil(pump, until),
    idle: () => pumpIdle(pump),
    async close() {
      for (const p of [server, client]) layerOf(p)?.abortConnection();
      await pumpIdle(pump, 5);
    },
  };
}

type Lister = (
  host: FakeTransportHost,
  factory: Factory,
  cf: object,
) => { stopListening(): { asPromise(): Promise<void> }; connect(host: FakeTransportHost, f: ClientFactory, cf: object): void };

function socketPair(listen: Lister): (server: IProtocol, client: IProtocol) => Promise<StreamPair> {
  return async (server, client) => {
    const host = new FakeTransportHost();
    const { server: s, client: c } = contexts();
    const port = listen(host, new One(server), s);
    port.connect(host, new One(client), c);
    await waitFor(() => secure(server) && secure(client), "the TLS handshake");
    await port.stopListening().asPromise();
    return {
      settle: (until) => waitFor(until, "settle condition"),
      idle: () => new Promise((resolve) => setTimeout(resolve, 50)),
      async close() {
        for (const p of [server, client]) layerOf(p)?.abortConnection();
        await waitFor(() => !connected(server) && !connected(client), "close");
        host.dispose();
      },
    };
  };
}

const tcp: Lister = (host, factory, cf) => {
  const port = listenSSL(host, 0, factory, cf, { interface: "127.0.0.1" });
  const number = (port.getHost() as unknown as { port: number }).port;
  return {
    stopListening: () => port.stopListening(),
    connect: (h, f, ccf) => void connectSSL(h, "127.0.0.1", number, f, ccf, { timeout: 5 }),
  };
};

const unixDir = mkdtempSync(join(tmpdir(), "torsion-tls-unix-"));
process.once("exit", () => rmSync(unixDir, { recursive: true, force: true }));
let unixCount = 0;
const unix: Lister = (host, factory, cf) => {
  const path = join(unixDir, `s${unixCount++}.sock`);
  const port = listenUNIXSSL(host, path, factory, cf);
  return { stopListening: () => port.stopListening(), connect: (h, f, ccf) => void connectUNIXSSL(h, path, f, ccf, { timeout: 5 }) };
};

if (haveOpenSSL() || process.env.CI === "true") {
  describeStreamTransport("TLS in memory (connectedServerAndClient)", (s, c) => memoryPair(s, c, Infinity), { skip });
  describeStreamTransport("TLS in memory, 7-byte chunks", (s, c) => memoryPair(s, c, 7), { skip });
  describeStreamTransport("TLS over TCP on loopback", socketPair(tcp), { skip });
  describeStreamTransport("TLS over a Unix socket", socketPair(unix), { skip });
}
