import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ChildFDError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessSpawnError,
  ProcessTerminated,
  type IProcessProtocol,
  type IProcessTransport,
  type IPushProducer,
} from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { FakeProcessTransport, MemoryReactor } from "@torsion/testing";

class Log implements IProcessProtocol {
  readonly log: string[] = [];
  transport: IProcessTransport | null = null;
  makeConnection(transport: IProcessTransport): void {
    this.transport = transport;
    this.connectionMade();
  }
  connectionMade(): void {
    this.log.push("made");
  }
  childDataReceived(fd: number, data: Buffer): void {
    this.log.push(`data:${fd}:${data.toString()}`);
  }
  childConnectionLost(fd: number): void {
    this.log.push(`lost:${fd}`);
  }
  processExited(reason: Failure): void {
    this.log.push(`exited:${reason.value.name}`);
  }
  processEnded(reason: Failure): void {
    this.log.push(`ended:${reason.value.name}`);
  }
}

describe("FakeProcessTransport", () => {
  it("plays exit before the last output, and ends only once every pipe is lost", () => {
    const protocol = new Log();
    const fake = new FakeProcessTransport(protocol);
    fake.writeStdout("a");
    fake.exit({ exitCode: 0 });
    fake.writeStdout("b");
    fake.closeChild(1);
    fake.closeChild(2);
    assert.equal(fake.ended, false);
    fake.closeChild(0);
    fake.closeChild(0);
    assert.deepEqual(protocol.log, [
      "made",
      "data:1:a",
      "exited:ProcessDone",
      "data:1:b",
      "lost:1",
      "lost:2",
      "lost:0",
      "ended:ProcessDone",
    ]);
    assert.equal(fake.pid, null);
  });

  it("records stdin writes, closes and signals, and refuses signals after exit", () => {
    const protocol = new Log();
    const fake = new FakeProcessTransport(protocol, { childFDs: { 0: "w", 1: "r", 3: "w" } });
    protocol.transport!.write(Buffer.from("in"));
    protocol.transport!.writeToChild(3, Buffer.from("three"));
    assert.throws(() => protocol.transport!.writeToChild(1, Buffer.from("x")), ChildFDError);
    protocol.transport!.signalProcess("TERM");
    protocol.transport!.closeStdin();
    protocol.transport!.write(Buffer.from("dropped"));
    assert.equal(fake.value().toString(), "in");
    assert.equal(fake.value(3).toString(), "three");
    assert.deepEqual(fake.signals, ["TERM"]);
    assert.deepEqual(fake.closedByProtocol, [0]);
    fake.finish({ signal: 15, signalName: "SIGTERM" });
    assert.deepEqual(protocol.log.slice(-2), ["exited:ProcessTerminated", "ended:ProcessTerminated"]);
    assert.throws(() => protocol.transport!.signalProcess("KILL"), ProcessExitedAlready);
  });

  it("stops a stdin producer when stdin closes", () => {
    const protocol = new Log();
    const fake = new FakeProcessTransport(protocol);
    let stopped = 0;
    const producer: IPushProducer = { pauseProducing() {}, resumeProducing() {}, stopProducing: () => void (stopped += 1) };
    fake.registerProducer(producer, true);
    assert.equal(fake.producer, producer);
    fake.closeChild(0);
    assert.equal(stopped, 1);
    assert.equal(fake.producer, null);
  });

  it("plays a spawn failure with ProcessSpawnError", () => {
    const protocol = new Log();
    const fake = new FakeProcessTransport(protocol);
    fake.failToStart("ENOENT", "/no/such");
    assert.deepEqual(protocol.log, ["made", "lost:0", "lost:1", "lost:2", "exited:ProcessSpawnError", "ended:ProcessSpawnError"]);
  });

  it("reports a non-zero exit code as ProcessTerminated with the wait status", () => {
    const reasons: Failure[] = [];
    const protocol = new Log();
    protocol.processEnded = (reason) => void reasons.push(reason);
    new FakeProcessTransport(protocol).finish({ exitCode: 2 });
    const value = reasons[0]!.value as ProcessTerminated;
    assert.deepEqual([value.exitCode, value.signal, value.status], [2, null, 512]);
    assert.ok(!(value instanceof ProcessDone) && !(value instanceof ProcessSpawnError));
  });
});

describe("MemoryReactor.spawnProcess", () => {
  it("records the call and connects the protocol to a fake transport", () => {
    const reactor = new MemoryReactor();
    const protocol = new Log();
    const transport = reactor.spawnProcess(protocol, "/bin/echo", ["echo", "hi"], { env: "empty" });
    assert.equal(reactor.processes.length, 1);
    const record = reactor.processes[0]!;
    assert.deepEqual([record.executable, record.args, record.options], ["/bin/echo", ["echo", "hi"], { env: "empty" }]);
    assert.equal(record.transport, transport);
    assert.deepEqual(protocol.log, ["made"]);
    record.transport.writeStdout("hi\n");
    record.transport.finish();
    assert.deepEqual(protocol.log.slice(1), ["data:1:hi\n", "lost:0", "lost:1", "lost:2", "exited:ProcessDone", "ended:ProcessDone"]);
  });
});
