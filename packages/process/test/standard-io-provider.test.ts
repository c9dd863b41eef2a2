import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { CannotListenError, ConnectionDone, Factory, Protocol } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { globalStandardIOSlot, serverFromString, StandardIOEndpoint, StandardIOPort } from "@torsion/endpoints";
import { PipeAddress, StandardIO, standardIOProvider } from "@torsion/process";
import { CHILD, Recorder, testReactor } from "./helpers.js";

class Echo extends Protocol {
  static lost: Failure[] = [];
  override dataReceived(data: Buffer): void {
    this.transport.write(Buffer.from(`echo:${data.toString()}`));
  }
  override connectionLost(reason: Failure): void {
    Echo.lost.push(reason);
  }
}

function readAll(stream: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => stream.on("end", () => resolve(Buffer.concat(chunks).toString())));
}

function streams(): { stdin: PassThrough; stdout: PassThrough } {
  return { stdin: new PassThrough(), stdout: new PassThrough() };
}

describe("the stdio provider of @torsion/process", () => {
  it("is registered with @torsion/endpoints when the package is imported", () => {
    assert.equal(globalStandardIOSlot.standardIOProvider, standardIOProvider);
    assert.equal(standardIOProvider.name, "@torsion/process");
    assert.ok(standardIOProvider.pipeAddress().equals(new PipeAddress()));
  });

  it("serves a StandardIOEndpoint: bytes in on stdin, the protocol's writes out on stdout", async () => {
    const { reactor, errors } = testReactor();
    const io = streams();
    const output = readAll(io.stdout);
    const port = await new StandardIOEndpoint(reactor, io).listen(Factory.forProtocol(Echo)).asPromise();
    assert.ok(port instanceof StandardIOPort);
    assert.ok(port.transport instanceof StandardIO);
    assert.ok(port.getHost().equals(new PipeAddress()));
    io.stdin.write("ping");
    await new Promise((resolve) => setImmediate(resolve));
    const before = Echo.lost.length;
    await port.stopListening().asPromise();
    assert.equal(Echo.lost.length, before + 1, "stopListening fires after connectionLost");
    assert.ok(Echo.lost.at(-1)?.value instanceof ConnectionDone);
    assert.equal(await output, "echo:ping");
    assert.deepEqual(errors, []);
  });

  it("refuses a second connection on the same stdin while the first is open, and allows it after", async () => {
    const { reactor } = testReactor();
    const io = streams();
    const endpoint = new StandardIOEndpoint(reactor, io);
    const port = await endpoint.listen(Factory.forProtocol(Echo)).asPromise();
    const second = endpoint.listen(Factory.forProtocol(Echo)).asPromise();
    await assert.rejects(second, (error: unknown) => error instanceof CannotListenError && error.message.includes("already in use"));
    await port.stopListening().asPromise();
    const third = await new StandardIOEndpoint(reactor, { stdin: io.stdin, stdout: new PassThrough() })
      .listen(Factory.forProtocol(Echo))
      .asPromise();
    assert.ok(third instanceof StandardIOPort);
    await third.stopListening().asPromise();
  });

  it("fails with CannotListenError, without touching the streams, for a reactor that cannot host a transport", async () => {
    const io = streams();
    let built = 0;
    const factory = Factory.forProtocol(Echo);
    const build = factory.buildProtocol.bind(factory);
    factory.buildProtocol = (address) => {
      built++;
      return build(address);
    };
    const listening = new StandardIOEndpoint({}, io).listen(factory).asPromise();
    await assert.rejects(listening, (error: unknown) => error instanceof CannotListenError && error.message.includes("registerResource"));
    assert.equal(built, 1);
    assert.equal(io.stdin.listenerCount("data"), 0);
  });

  it("runs a child's protocol listened on stdio: over its own stdin and stdout", { timeout: 20_000 }, async () => {
    const { reactor } = testReactor();
    const recorder = new Recorder();
    const transport = reactor.spawnProcess(recorder, process.execPath, ["node", CHILD, "stdio-endpoint"]);
    transport.write(Buffer.from("hello\n"));
    transport.closeStdin();
    await recorder.ended;
    assert.equal(recorder.output(1), "HELLO\n");
    assert.equal(recorder.output(2), "port:PipeAddress()\nlost:ConnectionDone\n");
  });

  it("gives serverFromString(reactor, 'stdio:') a StandardIOEndpoint", () => {
    const { reactor } = testReactor();
    const endpoint = serverFromString(reactor, "stdio:");
    assert.ok(endpoint instanceof StandardIOEndpoint);
  });
});
