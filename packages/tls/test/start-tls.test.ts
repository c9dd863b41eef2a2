import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientFactory, ConnectionDone, Protocol, type ITLSTransport } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { Certificate, CertificateOptions, OnlyOneTLSError, optionsForClientTLS, trustRootFromCertificates } from "@torsion/tls";
import { waitFor } from "./helpers.js";
import { twisted, twistedMissing } from "./peer-process.js";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const reactor = new NodeReactor({ installSignalHandlers: false });
const CRLF = Buffer.from("\r\n");

/**
 * A line protocol that switches to TLS: the server, on "STARTTLS", answers "GO" (plaintext)
 * and starts TLS, handing over whatever followed the command in its buffer; the client, on
 * "GO", starts TLS and sends `secret`. After the switch both sides record or echo raw data.
 */
class StartTLSLine extends Protocol {
  buffer = Buffer.alloc(0);
  tls = false;
  readonly plaintext: string[] = [];
  secureData = "";
  handedOver = -1;
  reason: Failure | null = null;
  handshakes = 0;
  secondStartTLS: unknown = null;

  /** `eager`: the client starts TLS right after its command (and the server does not answer "GO"). */
  constructor(
    readonly role: "client" | "server",
    readonly context: object,
    readonly secret = "secret after starttls",
    readonly eager = false,
  ) {
    super();
  }

  override connectionMade(): void {
    if (this.role === "server" && this.eager) {
      // Read nothing for a moment, so the command and the ClientHello behind it arrive in
      // one read: the server must then hand the ClientHello bytes over to TLS.
      this.transport?.pauseProducing();
      setTimeout(() => this.transport?.resumeProducing(), 300);
    }
    if (this.role === "client") {
      this.transport?.write(Buffer.from("STARTTLS\r\n"));
      if (this.eager) this.#start(undefined); // the ClientHello follows the command at once
    }
  }

  handshakeCompleted(): void {
    this.handshakes++;
  }

  override dataReceived(data: Buffer): void {
    if (this.tls) {
      this.secureData += data.toString("latin1");
      if (this.role === "server") this.transport?.write(data);
      else if (this.secureData === this.secret) this.transport?.loseConnection();
      return;
    }
    this.buffer = Buffer.concat([this.buffer, data]);
    let at;
    while (!this.tls && (at = this.buffer.indexOf(CRLF)) >= 0) {
      const line = this.buffer.subarray(0, at).toString("latin1");
      const rest = this.buffer.subarray(at + 2);
      this.buffer = Buffer.alloc(0);
      this.plaintext.push(line);
      if (this.role === "server" && line === "STARTTLS") {
        if (!this.eager) this.transport?.write(Buffer.from("GO\r\n"));
        this.#start(rest);
      } else if (this.role === "client" && line === "GO" && !this.eager) {
        this.#start(rest);
      } else {
        this.buffer = rest;
      }
    }
  }

  #start(rest: Buffer | undefined): void {
    this.handedOver = rest?.byteLength ?? 0;
    const transport = this.transport as unknown as ITLSTransport;
    transport.startTLS(this.context, true, rest === undefined ? {} : { alreadyReceived: rest });
    this.tls = true;
    try {
      transport.startTLS(this.context);
    } catch (error) {
      this.secondStartTLS = error;
    }
    if (this.role === "client") this.transport?.write(Buffer.from(this.secret));
  }

  override connectionLost(reason: Failure): void {
    this.reason = reason;
  }
}

class One<P extends Protocol> extends ClientFactory {
  readonly built: P[] = [];
  constructor(readonly make: () => P) {
    super();
  }
  override buildProtocol(): P {
    const p = this.make();
    this.built.push(p);
    return p;
  }
}

function contexts() {
  const pki = testPKI();
  return {
    server: new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert }),
    client: optionsForClientTLS("localhost", { trustRoot: trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]) }),
  };
}

const skipLocal = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed";

describe("startTLS between two Torsion peers over TCP", { skip: skipLocal }, () => {
  for (const eager of [false, true]) {
    it(
      eager
        ? "a client that starts TLS right behind its command: the server hands the early ClientHello bytes to TLS and the handshake completes"
        : "plaintext before the switch stays plaintext, everything after is TLS, and a second startTLS throws OnlyOneTLSError",
      async () => {
        const { server: sc, client: cc } = contexts();
        const serverFactory = new One(() => new StartTLSLine("server", sc, "", eager));
        const port = reactor.listenTCP(0, serverFactory, { interface: "127.0.0.1" });
        try {
          const clientFactory = new One(() => new StartTLSLine("client", cc, "secret after starttls", eager));
          reactor.connectTCP("127.0.0.1", port.getHost().port, clientFactory);
          await waitFor(() => clientFactory.built[0]?.reason !== null && clientFactory.built[0] !== undefined, "the client to finish", 15);
          const client = clientFactory.built[0]!;
          const server = serverFactory.built[0]!;
          await waitFor(() => server.reason !== null, "the server to close");
          assert.equal(client.secureData, "secret after starttls");
          assert.ok(client.reason!.value instanceof ConnectionDone, String(client.reason!.value));
          assert.deepEqual(server.plaintext, ["STARTTLS"]);
          assert.equal(server.secureData, "secret after starttls", "the secret arrived over TLS, never as a line");
          assert.deepEqual([client.handshakes, server.handshakes], [1, 1]);
          assert.ok(server.secondStartTLS instanceof OnlyOneTLSError);
          if (!eager) assert.deepEqual(client.plaintext, ["GO"]);
          else assert.ok(server.handedOver > 0, "the ClientHello came in the same read as the command and was handed to TLS");
          const peer = server.transport as unknown as { negotiatedProtocol: unknown; getPeerCertificate(): unknown };
          assert.equal(peer.getPeerCertificate(), null);
          const seen = (client.transport as unknown as { getPeerCertificate(): { subject: string } | null }).getPeerCertificate();
          assert.equal(seen?.subject, "CN=localhost");
        } finally {
          await port.stopListening();
        }
      },
    );
  }
});

describe("startTLS against Python Twisted", { skip: twistedMissing() }, () => {
  it("a Torsion client upgrades a connection to a Twisted server that calls startTLS", async () => {
    const pki = testPKI();
    const peer = twisted("starttls-server", pki.path("server.pem"), pki.path("server.key"));
    try {
      const port = await peer.port();
      const factory = new One(() => new StartTLSLine("client", contexts().client));
      reactor.connectTCP("127.0.0.1", port, factory);
      await waitFor(() => factory.built[0] !== undefined && factory.built[0].reason !== null, "the Torsion client to finish", 20);
      assert.equal(factory.built[0]!.secureData, "secret after starttls");
      assert.deepEqual(factory.built[0]!.plaintext, ["GO"]);
      assert.equal((await peer.result()).tls, true);
    } finally {
      peer.kill();
    }
  });

  it("a Twisted client upgrades a connection to a Torsion server that calls startTLS", async () => {
    const pki = testPKI();
    const serverFactory = new One(() => new StartTLSLine("server", contexts().server));
    const port = reactor.listenTCP(0, serverFactory, { interface: "127.0.0.1" });
    const peer = twisted("starttls-client", String(port.getHost().port), "localhost", pki.path("ca.pem"));
    try {
      const result = await peer.result();
      assert.equal(result.echoed, "secret after starttls", JSON.stringify(result));
      await waitFor(() => serverFactory.built[0]?.reason !== null && serverFactory.built[0] !== undefined, "the server to close");
      assert.equal(serverFactory.built[0]!.secureData, "secret after starttls");
    } finally {
      peer.kill();
      await port.stopListening();
    }
  });
});
