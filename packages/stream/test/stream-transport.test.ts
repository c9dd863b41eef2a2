import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeStreamTransport } from "./stream-contract.js";
import { tcpPairMaker } from "./tcp-pair.js";
import { Recorder } from "./helpers.js";
import { TLSNotLoadedError } from "@torsion/core";
import type { StreamTransport } from "@torsion/stream";

describeStreamTransport("TCP, onread fast path", tcpPairMaker({ fastPath: true }));
describeStreamTransport("TCP, onread fast path with rewrapped 'connection' sockets", tcpPairMaker({ fastPath: true, fastAccept: false }));
describeStreamTransport("TCP, 'data' event fallback", tcpPairMaker({ fastPath: false }));
describeStreamTransport("TCP, onread fast path, borrowed reads", tcpPairMaker({ fastPath: true, readPath: "borrowed" }));
describeStreamTransport("TCP, onread fast path, buffered protocol", tcpPairMaker({ fastPath: true, readPath: "buffered" }));
describeStreamTransport("TCP, 'data' event fallback, buffered protocol", tcpPairMaker({ fastPath: false, readPath: "buffered" }));

describe("StreamTransport over TCP", () => {
  it("throws a typed TLSNotLoadedError naming @torsion/tls from startTLS when TLS is not loaded, and stays usable", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const transport = client.transport as StreamTransport;
      assert.throws(
        () => transport.startTLS({}),
        (error: unknown) =>
          error instanceof TLSNotLoadedError && error.code === "ERR_TLS_NOT_LOADED" && error.message.includes('import "@torsion/tls"'),
      );
      assert.equal(transport.interposed, false);
      transport.write(Buffer.from("still plaintext"));
      await pair.settle(() => server.received === 15);
      assert.equal(Buffer.concat(server.chunks).toString(), "still plaintext");
    } finally {
      await pair.close();
    }
  });

  it("keeps received buffers intact: later reads never overwrite a buffer already handed over", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const expected: Buffer[] = [];
      for (let i = 0; i < 300; i++) {
        const msg = Buffer.alloc(100 + (i % 50), i & 0xff);
        expected.push(msg);
        client.transport.write(msg);
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      const total = expected.reduce((n, b) => n + b.length, 0);
      await pair.settle(() => server.received === total);
      assert.deepEqual(Buffer.concat(server.chunks), Buffer.concat(expected));
    } finally {
      await pair.close();
    }
  });

  it("keeps every received buffer intact while reads switch between small copies and bulk regions", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const expected: Buffer[] = [];
      for (let phase = 0; phase < 4; phase++) {
        const bulk = phase % 2 === 1;
        for (let i = 0; i < (bulk ? 8 : 40); i++) {
          const msg = Buffer.alloc(bulk ? 50_000 + i * 1000 : 20 + i, (phase * 64 + i) & 0xff);
          expected.push(msg);
          client.transport.write(msg);
          if (!bulk) await new Promise((r) => setImmediate(r));
        }
        const total = expected.reduce((n, b) => n + b.length, 0);
        await pair.settle(() => server.received === total);
      }
      assert.deepEqual(Buffer.concat(server.chunks), Buffer.concat(expected));
    } finally {
      await pair.close();
    }
  });

  it("reports TCP_NODELAY on by default and lets the protocol change it and keep-alive", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    try {
      const t = client.transport;
      assert.equal(t.getTcpNoDelay(), true);
      t.setTcpNoDelay(false);
      assert.equal(t.getTcpNoDelay(), false);
      assert.equal(t.getTcpKeepAlive(), false);
      t.setTcpKeepAlive(true);
      assert.equal(t.getTcpKeepAlive(), true);
    } finally {
      await pair.close();
    }
  });

  it("drops its protocol once connectionLost has run, so a closed socket retains nothing of it", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const pair = await tcpPairMaker({ fastPath: true })(server, client);
    const transport = client.transport as unknown as StreamTransport;
    assert.equal(transport.protocol, client);
    await pair.close();
    assert.equal(client.lostCount, 1);
    assert.equal(transport.protocol, null);
    assert.equal(transport.closed, true);
  });
});
