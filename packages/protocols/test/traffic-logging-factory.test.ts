import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionDone, Factory, IPv4Address } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { AccumulatingProtocol, StringTransport, connectedServerAndClient } from "@torsion/testing";
import { InvalidPolicyOptionError, TrafficLoggingFactory } from "@torsion/protocols";
import { bytesRepr } from "@torsion/protocols/internal";
import type { ProtocolWrapper, TrafficLog } from "@torsion/protocols";

const ADDR = new IPv4Address("TCP", "127.0.0.1", 5000);

class MemoryLogs {
  readonly logs = new Map<number, string[]>();
  readonly closed = new Set<number>();
  readonly open = (n: number): TrafficLog => {
    const lines: string[] = [];
    this.logs.set(n, lines);
    return { write: (line) => lines.push(line), close: () => this.closed.add(n) };
  };
}

class Echo extends AccumulatingProtocol {
  override dataReceived(data: Buffer): void {
    super.dataReceived(data);
    this.transport?.write(data);
  }
}

describe("TrafficLoggingFactory", () => {
  it("logs a connection's connect, reads, writes, close and loss in order, then closes the log", () => {
    const memory = new MemoryLogs();
    const factory = new TrafficLoggingFactory(Factory.forProtocol(Echo), { openLog: memory.open });
    const { client, pump } = connectedServerAndClient(factory, Factory.forProtocol(AccumulatingProtocol));
    client.transport.write(Buffer.from("hi\n"));
    pump.flush();
    client.transport.loseConnection();
    pump.flush();
    assert.deepEqual(memory.logs.get(1), [
      "*",
      "C 1: b'hi\\n'",
      "S 1: b'hi\\n'",
      "C 1: [Failure instance: ConnectionDone: Connection was closed cleanly.]",
    ]);
    assert.ok(memory.closed.has(1));
  });

  it("logs writeSequence, loseConnection and abortConnection made by the wrapped protocol", () => {
    const memory = new MemoryLogs();
    const factory = new TrafficLoggingFactory(Factory.forProtocol(AccumulatingProtocol), { openLog: memory.open });
    const wrapper = factory.buildProtocol(ADDR)!;
    const transport = new StringTransport();
    wrapper.makeConnection(transport);
    const seen = (wrapper.wrappedProtocol as AccumulatingProtocol).transport;
    seen.writeSequence([Buffer.from("a"), Buffer.from("b")]);
    seen.loseConnection();
    wrapper.abortConnection();
    assert.deepEqual(memory.logs.get(1), ["*", "SV 1: [b'a', b'b']", "S 1: *", "S 1: !"]);
    assert.equal(transport.value().toString(), "ab");
  });

  it("numbers connections from 1, one log each, until resetCounter", () => {
    const memory = new MemoryLogs();
    const factory = new TrafficLoggingFactory(Factory.forProtocol(AccumulatingProtocol), { openLog: memory.open });
    factory.buildProtocol(ADDR);
    factory.buildProtocol(ADDR);
    assert.deepEqual([...memory.logs.keys()], [1, 2]);
    factory.resetCounter();
    assert.equal(factory.counter, 0);
    const wrapper = factory.buildProtocol(ADDR) as ProtocolWrapper;
    wrapper.makeConnection(new StringTransport());
    wrapper.dataReceived(Buffer.from("x"));
    assert.deepEqual(memory.logs.get(1), ["*", "C 1: b'x'"]);
  });

  it("elides data longer than lengthLimit", () => {
    const memory = new MemoryLogs();
    const factory = new TrafficLoggingFactory(Factory.forProtocol(AccumulatingProtocol), { openLog: memory.open, lengthLimit: 15 });
    const wrapper = factory.buildProtocol(ADDR)!;
    wrapper.makeConnection(new StringTransport());
    wrapper.dataReceived(Buffer.from("0123456789abcdef"));
    wrapper.dataReceived(Buffer.from("short"));
    assert.deepEqual(memory.logs.get(1)?.slice(1), ["C 1: b'012<... elided>'", "C 1: b'short'"]);
  });

  it("prints bytes as Python's repr does", () => {
    assert.equal(bytesRepr(Buffer.from([0x61, 0x27, 0x5c, 0x0d, 0x0a, 0x09, 0x00, 0xff])), "b'a\\'\\\\\\r\\n\\t\\x00\\xff'");
    assert.equal(bytesRepr(new Uint8Array(0)), "b''");
  });

  describe("with logfilePrefix", () => {
    const dir = mkdtempSync(join(tmpdir(), "torsion-traffic-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("writes each connection's log to <prefix>-<n>", () => {
      const prefix = join(dir, "log");
      const factory = new TrafficLoggingFactory(Factory.forProtocol(AccumulatingProtocol), { logfilePrefix: prefix });
      const wrapper = factory.buildProtocol(ADDR)!;
      wrapper.makeConnection(new StringTransport());
      wrapper.dataReceived(Buffer.from("abc"));
      wrapper.connectionLost(new Failure(new ConnectionDone()));
      assert.equal(
        readFileSync(`${prefix}-1`, "utf8"),
        "*\nC 1: b'abc'\nC 1: [Failure instance: ConnectionDone: Connection was closed cleanly.]\n",
      );
    });
  });

  it("needs a log prefix or a log opener", () => {
    assert.throws(() => new TrafficLoggingFactory(Factory.forProtocol(AccumulatingProtocol), {}), InvalidPolicyOptionError);
  });
});
