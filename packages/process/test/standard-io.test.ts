import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { ConnectionAborted, ConnectionDone, Protocol } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { PipeAddress, StandardIO } from "@torsion/process";
import { CHILD, Recorder, testReactor } from "./helpers.js";

class Collect extends Protocol {
  readonly received: string[] = [];
  reason: Failure | null = null;
  readonly lost: Promise<Failure>;
  #resolve!: (reason: Failure) => void;

  constructor() {
    super();
    this.lost = new Promise((resolve) => (this.#resolve = resolve));
  }

  override dataReceived(data: Buffer): void {
    this.received.push(data.toString());
    if (data.toString().includes("quit")) this.transport.loseConnection();
    else this.transport.write(Buffer.from(`echo:${data.toString()}`));
  }

  override connectionLost(reason: Failure): void {
    this.reason = reason;
    this.#resolve(reason);
  }
}

function readAll(stream: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => stream.on("end", () => resolve(Buffer.concat(chunks).toString())));
}

describe("StandardIO", () => {
  it("connects a protocol to the given stdin and stdout, and closes cleanly on loseConnection", async () => {
    const { reactor, errors } = testReactor();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const output = readAll(stdout);
    const protocol = new Collect();
    const transport = new StandardIO(reactor, protocol, { stdin, stdout });
    assert.equal(protocol.transport, transport);
    assert.ok(transport.getPeer().equals(new PipeAddress()));
    stdin.write("one");
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write("quit");
    const reason = await protocol.lost;
    assert.ok(reason.value instanceof ConnectionDone);
    assert.equal(await output, "echo:one");
    assert.equal(transport.disconnecting, true);
    assert.deepEqual(errors, []);
  });

  it("closes the connection at EOF on stdin for a protocol that is not half-closeable", async () => {
    const { reactor } = testReactor();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const output = readAll(stdout);
    const protocol = new Collect();
    new StandardIO(reactor, protocol, { stdin, stdout });
    stdin.end("last");
    assert.ok((await protocol.lost).value instanceof ConnectionDone);
    assert.equal(await output, "echo:last");
  });

  it("reports a throwing dataReceived and aborts only the connection", async () => {
    const { reactor, errors } = testReactor();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const protocol = new Collect();
    protocol.dataReceived = () => {
      throw new Error("bad input handler");
    };
    new StandardIO(reactor, protocol, { stdin, stdout });
    stdin.write("x");
    const reason = await protocol.lost;
    assert.match(reason.value.message, /bad input handler/);
    assert.equal(errors.length, 1);
  });

  it("whenClosed resolves after connectionLost, and at once when already closed", async () => {
    const { reactor } = testReactor();
    const protocol = new Collect();
    const transport = new StandardIO(reactor, protocol, { stdin: new PassThrough(), stdout: new PassThrough() });
    const closed = transport.whenClosed();
    let settled = false;
    void closed.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    transport.loseConnection();
    await closed;
    assert.ok(protocol.reason?.value instanceof ConnectionDone);
    await transport.whenClosed();
  });

  it("aborts with ConnectionAborted on abortConnection", async () => {
    const { reactor } = testReactor();
    const protocol = new Collect();
    const transport = new StandardIO(reactor, protocol, { stdin: new PassThrough(), stdout: new PassThrough() });
    transport.abortConnection();
    assert.ok((await protocol.lost).value instanceof ConnectionAborted);
  });

  it("runs a child's protocol over its own stdin and stdout, driven by spawnProcess", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, process.execPath, ["node", CHILD, "stdio-echo"]);
    transport.write(Buffer.from("hello\n"));
    transport.closeStdin();
    await recorder.ended;
    assert.equal(recorder.output(1), "HELLO\n");
    assert.equal(recorder.output(2), "lost:ConnectionDone\n");
  });

  it("lets a half-closeable protocol write after EOF on stdin", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, process.execPath, ["node", CHILD, "stdio-half"]);
    transport.write(Buffer.from("hi\n"));
    transport.closeStdin();
    await recorder.ended;
    assert.equal(recorder.output(1), "HI\nbye\n");
    assert.equal(recorder.output(2), "lost:ConnectionDone\n");
  });
});
