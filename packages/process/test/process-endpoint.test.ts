import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConnectError,
  ConnectionDone,
  Factory,
  ProcessDone,
  ProcessSpawnError,
  ProcessTerminated,
  Protocol,
  type IStreamClientEndpoint,
} from "@torsion/core";
import { ClientService } from "@torsion/application";
import { connectProtocol } from "@torsion/endpoints";
import type { Failure } from "@torsion/defer";
import { ProcessAddress, ProcessEndpoint } from "@torsion/process";
import { Clock, MemoryReactor, failureResultOf, successResultOf } from "@torsion/testing";
import { testReactor } from "./helpers.js";

class Collect extends Protocol {
  readonly chunks: Buffer[] = [];
  readonly lost: Promise<Failure>;
  #resolve!: (reason: Failure) => void;

  constructor() {
    super();
    this.lost = new Promise((resolve) => (this.#resolve = resolve));
  }

  override dataReceived(data: Buffer): void {
    this.chunks.push(data);
  }

  override connectionLost(reason: Failure): void {
    this.#resolve(reason);
  }
}

describe("ProcessEndpoint", () => {
  it("connects a stream protocol to a child's stdin and stdout", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const endpoint = new ProcessEndpoint(reactor, "sh", ["sh", "-c", 'read line; echo "got $line"']);
    const protocol = await endpoint.connect(Factory.forProtocol(Collect));
    assert.ok(protocol.transport.getPeer().equals(new ProcessAddress()));
    protocol.transport.write(Buffer.from("over stdio\n"));
    const reason = await protocol.lost;
    assert.equal(Buffer.concat(protocol.chunks).toString(), "got over stdio\n");
    assert.ok(reason.value instanceof ProcessDone);
    assert.ok(reason.value instanceof ConnectionDone);
  });

  it("closes every pipe on loseConnection; a reading child then sees EOF and exits cleanly", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const protocol = await new ProcessEndpoint(reactor, "sh", ["sh", "-c", "cat >/dev/null"]).connect(Factory.forProtocol(Collect));
    protocol.transport.write(Buffer.from("discarded"));
    protocol.transport.loseConnection();
    assert.equal(protocol.transport.disconnecting, true);
    assert.ok((await protocol.lost).value instanceof ProcessDone);
  });

  it("delivers only stdout to the protocol and ends it with a spawn failure", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const out = await new ProcessEndpoint(reactor, "sh", ["sh", "-c", "echo visible; echo hidden >&2"], { errFlag: "drop" }).connect(
      Factory.forProtocol(Collect),
    );
    await out.lost;
    assert.equal(Buffer.concat(out.chunks).toString(), "visible\n");
    const missing = await new ProcessEndpoint(reactor, "/no/such/program").connect(Factory.forProtocol(Collect));
    assert.ok((await missing.lost).value instanceof ProcessSpawnError);
  });

  it("spawns through the reactor it is given, so MemoryReactor records it", () => {
    const reactor = new MemoryReactor();
    const protocol = successResultOf(
      new ProcessEndpoint(reactor, "/bin/tool", ["tool", "-v"], { env: "empty" }).connect(Factory.forProtocol(Collect)),
    );
    const record = reactor.processes[0]!;
    assert.deepEqual([record.executable, record.args, record.options.env], ["/bin/tool", ["tool", "-v"], "empty"]);
    record.transport.writeStdout("fake output");
    protocol.transport.write(Buffer.from("input"));
    assert.equal(record.transport.value().toString(), "input");
    assert.equal(Buffer.concat(protocol.chunks).toString(), "fake output");
  });

  it("errbacks with ConnectError when the factory builds no protocol", () => {
    const reactor = new MemoryReactor();
    const factory = Factory.forProtocol(Collect);
    factory.buildProtocol = () => null;
    const failure = failureResultOf(new ProcessEndpoint(reactor, "true").connect(factory));
    assert.ok(failure.value instanceof ConnectError);
    assert.equal(reactor.processes.length, 0);
  });
});

describe("ProcessEndpoint as an IStreamClientEndpoint", () => {
  it("is typed as core's IStreamClientEndpoint, and connect resolves to the factory's own protocol type", () => {
    const reactor = new MemoryReactor();
    const endpoint: IStreamClientEndpoint = new ProcessEndpoint(reactor, "cat", ["cat"]);
    const protocol: Collect = successResultOf(endpoint.connect(Factory.forProtocol(Collect)));
    assert.ok(protocol instanceof Collect);
    assert.equal(reactor.processes.length, 1);
  });

  it("connectProtocol spawns the child and connects the given protocol to its stdio", () => {
    const reactor = new MemoryReactor();
    const mine = new Collect();
    const connected = successResultOf(connectProtocol(new ProcessEndpoint(reactor, "cat", ["cat", "-u"]), mine));
    assert.equal(connected, mine);
    const record = reactor.processes[0]!;
    assert.deepEqual([record.executable, record.args], ["cat", ["cat", "-u"]]);
    record.transport.writeStdout("from the child");
    assert.equal(Buffer.concat(mine.chunks).toString(), "from the child");
    mine.transport.write(Buffer.from("to the child"));
    assert.equal(record.transport.value(0).toString(), "to the child");
  });

  it("ClientService keeps a child running over a ProcessEndpoint: a child that dies is respawned after the retry delay", async () => {
    const reactor = new MemoryReactor();
    const clock = new Clock();
    const service = new ClientService(new ProcessEndpoint(reactor, "worker", ["worker"]), Factory.forProtocol(Collect), {
      clock,
      retryPolicy: () => 2,
    });
    service.startService();
    const first = successResultOf(service.whenConnected()) as Collect;
    assert.equal(reactor.processes.length, 1);
    reactor.processes[0]!.transport.finish({ signal: 9, signalName: "KILL" });
    assert.ok((await first.lost).value instanceof ProcessTerminated);
    assert.equal(reactor.processes.length, 1, "no respawn before the retry delay");
    clock.advance(2);
    assert.equal(reactor.processes.length, 2, "respawned after the delay");
    const second = successResultOf(service.whenConnected()) as Collect;
    assert.notEqual(second, first);
    const stopped = service.stopService();
    reactor.processes[1]!.transport.finish();
    await stopped;
  });
});
