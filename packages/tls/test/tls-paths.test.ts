/**
 * Which of the two TLS paths each entry point takes, pinned by what can be seen from
 * outside, so a refactor that silently switches paths fails here:
 * - `listenSSL`/`connectSSL` (TCP) and `listenUNIXSSL`/`connectUNIXSSL`: native, `node:tls`
 *   on the socket's handle. The stream transport under the TLS layer is over a
 *   `tls.TLSSocket`, reads plaintext from it and writes plaintext to it, and no layer is
 *   interposed.
 * - `transport.startTLS`: the Duplex path. The stream transport keeps its plain
 *   `net.Socket` and, after the switch, writes TLS records to it (what `node:tls` made
 *   over the Duplex), never the plaintext; the TLS layer is interposed. Both sides of a
 *   real TCP connection.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { ClientFactory, Protocol, type IListeningPort, type IPv4Address, type ITLSTransport } from "@torsion/core";
import { NodeReactor } from "@torsion/reactor";
import {
  Certificate,
  CertificateOptions,
  connectSSL,
  connectUNIXSSL,
  listenSSL,
  listenUNIXSSL,
  optionsForClientTLS,
  trustRootFromCertificates,
} from "@torsion/tls";
import { KeepingFactory, TLSRecorder, waitFor } from "./helpers.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";
const reactor = new NodeReactor({ installSignalHandlers: false });
const tmp = mkdtempSync(path.join(os.tmpdir(), "torsion-tls-paths-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function contexts(): { server: CertificateOptions; client: object } {
  const pki = testPKI();
  return {
    server: new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert }),
    client: optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]) }),
  };
}

/** The stream transport's view: its socket and whether a layer is interposed over it. */
interface StreamView {
  readonly socket: net.Socket;
  readonly interposed: boolean;
}

/** Whether `bytes` start with a TLS record header (content type 20-23, legacy version 3.x). */
function isTLSRecord(bytes: Buffer): boolean {
  return bytes.byteLength >= 5 && bytes[0]! >= 20 && bytes[0]! <= 23 && bytes[1] === 3;
}

/** Records what is written to `socket` from now on (by the transport over it). */
function tapWrites(socket: net.Socket): Buffer[] {
  const seen: Buffer[] = [];
  const write = socket.write.bind(socket) as (chunk: Uint8Array, ...rest: unknown[]) => boolean;
  socket.write = (chunk: Uint8Array, ...rest: unknown[]): boolean => {
    seen.push(Buffer.from(chunk));
    return write(chunk, ...rest);
  };
  return seen;
}

/** Records what `socket` yields through 'data' events (a second listener sees the same chunks). */
function tapReads(socket: net.Socket): Buffer[] {
  const seen: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => seen.push(chunk));
  return seen;
}

describe("listenSSL and connectSSL run node:tls natively on the socket", { skip }, () => {
  const cases: { name: string; open: (server: KeepingFactory<TLSRecorder>, client: KeepingFactory<TLSRecorder>) => IListeningPort }[] = [
    {
      name: "over TCP",
      open: (server, client) => {
        const { server: sc, client: cc } = contexts();
        const port = listenSSL(reactor, 0, server, sc, { interface: "127.0.0.1" });
        connectSSL(reactor, "127.0.0.1", (port.getHost() as IPv4Address).port, client, cc);
        return port;
      },
    },
    {
      name: "over a Unix socket",
      open: (server, client) => {
        const { server: sc, client: cc } = contexts();
        const address = path.join(tmp, "native.sock");
        const port = listenUNIXSSL(reactor, address, server, sc);
        connectUNIXSSL(reactor, address, client, cc);
        return port;
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: both sides' transports read plaintext from a TLSSocket, with no layer interposed`, async () => {
      const server = new KeepingFactory(() => Object.assign(new TLSRecorder(), { echo: true }));
      const client = new KeepingFactory(() => new TLSRecorder());
      const port = c.open(server, client);
      try {
        await waitFor(() => client.built[0] !== undefined && server.built[0] !== undefined, "both connections");
        const protocols = [client.built[0]!, server.built[0]!];
        const layers = protocols.map((p) => p.transport as unknown as { native: boolean; transport: StreamView });
        const reads = layers.map((l) => tapReads(l.transport.socket));
        const writes = layers.map((l) => tapWrites(l.transport.socket));
        await waitFor(() => protocols.every((p) => p.events.includes("handshakeCompleted")), "both handshakes");
        client.built[0]!.transport.write(Buffer.from("plaintext marker"));
        await waitFor(() => client.built[0]!.text() === "plaintext marker", "the echo");
        for (const [i, side] of ["client", "server"].entries()) {
          const layer = layers[i]!;
          assert.equal(layer.native, true, `${side}: the TLS layer says native`);
          assert.ok(layer.transport.socket instanceof tls.TLSSocket, `${side}: the stream transport's socket is a TLSSocket`);
          assert.equal(layer.transport.interposed, false, `${side}: no layer interposed in the stream transport`);
          assert.equal(Buffer.concat(reads[i]!).toString(), "plaintext marker", `${side}: the socket yields plaintext`);
          assert.equal(Buffer.concat(writes[i]!).toString(), "plaintext marker", `${side}: the transport writes plaintext to it`);
        }
        client.built[0]!.transport.loseConnection();
        await waitFor(() => protocols.every((p) => p.reason !== null), "both sides to close");
      } finally {
        await port.stopListening();
      }
    });
  }
});

/** A line protocol: the client sends "STARTTLS", the server answers "GO"; both then start TLS. */
class Upgrading extends Protocol {
  readonly role: "client" | "server";
  readonly context: object;
  /** What the transport wrote to its socket after the switch. */
  wire: Buffer[] | null = null;
  plain = "";
  secure = "";
  handshakes = 0;
  closed = false;

  constructor(role: "client" | "server", context: object) {
    super();
    this.role = role;
    this.context = context;
  }

  override connectionMade(): void {
    if (this.role === "client") this.transport.write(Buffer.from("STARTTLS\n"));
  }

  handshakeCompleted(): void {
    this.handshakes++;
    if (this.role === "client") this.transport.write(Buffer.from("secret after the switch"));
  }

  override dataReceived(data: Buffer): void {
    if (this.wire !== null) {
      this.secure += data.toString();
      if (this.role === "server") this.transport.write(data);
      else if (this.secure === "secret after the switch") this.transport.loseConnection();
      return;
    }
    this.plain += data.toString();
    if (this.role === "server" && this.plain === "STARTTLS\n") {
      this.transport.write(Buffer.from("GO\n"));
      this.#switch();
    } else if (this.role === "client" && this.plain === "GO\n") this.#switch();
  }

  #switch(): void {
    this.wire = tapWrites((this.transport as unknown as StreamView).socket);
    (this.transport as unknown as ITLSTransport).startTLS(this.context, true);
  }

  override connectionLost(): void {
    this.closed = true;
  }
}

class Keep extends ClientFactory<Upgrading> {
  readonly built: Upgrading[] = [];
  readonly #make: () => Upgrading;
  constructor(make: () => Upgrading) {
    super();
    this.#make = make;
  }
  override buildProtocol(): Upgrading {
    const p = this.#make();
    this.built.push(p);
    return p;
  }
}

describe("startTLS runs node:tls over a Duplex of the transport", { skip }, () => {
  it("over real TCP, both sides: the stream transport keeps its net.Socket, which carries TLS records, and data flows", async () => {
    const { server: sc, client: cc } = contexts();
    const serverFactory = new Keep(() => new Upgrading("server", sc));
    const port = reactor.listenTCP(0, serverFactory, { interface: "127.0.0.1" });
    try {
      const clientFactory = new Keep(() => new Upgrading("client", cc));
      reactor.connectTCP("127.0.0.1", port.getHost().port, clientFactory);
      await waitFor(() => clientFactory.built[0]?.closed === true && serverFactory.built[0]?.closed === true, "both sides to close", 15);
      const sides = [clientFactory.built[0]!, serverFactory.built[0]!];
      assert.equal(sides[0]!.secure, "secret after the switch");
      assert.equal(sides[1]!.secure, "secret after the switch");
      for (const p of sides) {
        const view = p.transport as unknown as StreamView;
        assert.deepEqual(p.handshakes, 1, `${p.role}: one handshake`);
        assert.equal(view.interposed, true, `${p.role}: the TLS layer is interposed in the stream transport`);
        assert.ok(view.socket instanceof net.Socket && !(view.socket instanceof tls.TLSSocket), `${p.role}: a plain net.Socket`);
        const wire = Buffer.concat(p.wire ?? []);
        assert.ok(
          isTLSRecord(wire),
          `${p.role}: TLS records go to the socket after the switch (got ${wire.subarray(0, 8).toString("hex")})`,
        );
        assert.equal(wire.includes(Buffer.from("secret after the switch")), false, `${p.role}: never the plaintext`);
      }
      for (const p of sides)
        assert.equal(Buffer.concat(p.wire!)[0], 22, `${p.role}: the first record after the switch is a handshake record`);
    } finally {
      await port.stopListening();
    }
  });
});
