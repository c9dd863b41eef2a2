// Unix socket paths the kernel cannot take whole are refused before any system call.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { BadUNIXPathError, CannotListenError, ConnectError } from "@torsion/core";
import { connectUNIX, listenUNIX } from "@torsion/unix";
import type { StreamPort } from "@torsion/stream";
import { FakeTransportHost as TestHost } from "@torsion/testing";
import { Echo, OrderFactory, Recorder, RecordingFactory, waitFor } from "../../stream/dist-test/helpers.js";
import { tempDir } from "./unix-pair.js";

const host = new TestHost();
const temp = tempDir();
const ports: StreamPort[] = [];
const servers: net.Server[] = [];
let counter = 0;
after(async () => {
  for (const port of ports) await port.stopListening().asPromise();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  host.dispose();
  temp.remove();
});

/** A fresh empty directory inside the temp dir. */
function freshDir(): string {
  const dir = path.join(temp.dir, `d${counter++}`);
  fs.mkdirSync(dir);
  return dir;
}

/**
 * Calls `listenUNIX` expecting it to throw, and returns what it threw. A port it opened
 * anyway (the old defect) is kept for cleanup, so a failing test does not hang the run.
 */
function listenError(address: string, options: Parameters<typeof listenUNIX>[3] = {}): unknown {
  try {
    ports.push(listenUNIX(host, address, new RecordingFactory(Echo), options));
  } catch (error) {
    return error;
  }
  return assert.fail(`listenUNIX(${JSON.stringify(address)}) did not throw`);
}

/** A path in `dir` that is exactly `bytes` bytes long in UTF-8, made of `filler`. */
function pathOfBytes(dir: string, bytes: number, filler = "a"): string {
  const room = bytes - Buffer.byteLength(`${dir}/`);
  const unit = Buffer.byteLength(filler);
  assert.ok(room > 0 && room % unit === 0, `cannot make a ${bytes}-byte path from ${JSON.stringify(filler)}`);
  return `${dir}/${filler.repeat(room / unit)}`;
}

/** An abstract name whose part after the leading NUL is exactly `bytes` bytes long. */
function abstractOfBytes(bytes: number): string {
  const tag = `torsion-${process.pid}-${counter++}-`;
  return `\0${tag}${"n".repeat(bytes - tag.length)}`;
}

/**
 * Shows that `server` accepted no connection before this call: connects once more as a
 * control and checks that the control is the first connection it accepts (a Unix socket
 * accepts in order, so an earlier stray connection would have been counted first).
 */
async function assertOnlyControlArrives(server: { address: string; connections: () => number }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const control = net.connect(server.address);
    control.on("error", reject);
    control.on("close", () => resolve());
  });
  await waitFor(() => server.connections() >= 1, 5000, "the control connection");
  assert.equal(server.connections(), 1, "the server was reached before the control connection");
}

/** A raw Node server on `address` (no Torsion checks) that counts its connections. */
async function rawServer(address: string): Promise<{ address: string; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, resolve);
  });
  return { address, connections: () => connections };
}

async function connectFailure(address: string): Promise<{ error: unknown; factory: OrderFactory }> {
  const factory = new OrderFactory(Recorder);
  connectUNIX(host, address, factory, { timeout: 5 });
  await waitFor(() => factory.failure !== null || factory.built.length > 0, 5000, "connect outcome");
  return { error: factory.failure?.value ?? "connected", factory };
}

async function echoes(address: string): Promise<boolean> {
  const factory = new OrderFactory(Recorder);
  connectUNIX(host, address, factory, { timeout: 5 });
  await waitFor(() => factory.built[0]?.connected === true || factory.failure !== null);
  const p = factory.built[0];
  if (p === undefined) return false;
  p.transport.write(Buffer.from("ping"));
  await waitFor(() => p.received === 4);
  p.transport.loseConnection();
  await waitFor(() => p.lostCount === 1);
  return Buffer.concat(p.chunks).toString() === "ping";
}

const fileLimit = /limit on linux is 107 bytes \(sun_path holds 108 bytes including the terminating NUL\)/;
const abstractLimit = /limit on linux is 107 bytes after the leading NUL \(sun_path holds 108 bytes\)/;

describe("listenUNIX with a path the kernel cannot take whole", { skip: process.platform !== "linux" && "Linux limits" }, () => {
  it("refuses a 140-byte path with CannotListenError naming the limit, creating nothing on disk", () => {
    const dir = freshDir();
    const file = pathOfBytes(dir, 140);
    const e = listenError(file, { wantPID: true });
    assert.ok(e instanceof CannotListenError);
    assert.ok(e.cause instanceof RangeError);
    assert.match(e.message, /Unix socket path is 140 bytes long \(UTF-8\)/);
    assert.match(e.message, fileLimit);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("measures UTF-8 bytes, not characters: 60 two-byte characters are too long", () => {
    const dir = freshDir();
    const file = pathOfBytes(dir, 108 + (Buffer.byteLength(`${dir}/`) % 2), "é");
    assert.ok(file.length < 108);
    assert.ok(listenError(file) instanceof CannotListenError);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("accepts a path of exactly 107 bytes and serves on it", async () => {
    const dir = freshDir();
    const file = pathOfBytes(dir, 107);
    ports.push(listenUNIX(host, file, new RecordingFactory(Echo)));
    assert.deepEqual(
      fs.readdirSync(dir).map((name) => Buffer.byteLength(path.join(dir, name))),
      [107],
    );
    assert.equal(await echoes(file), true);
  });

  it("refuses a 108-byte path, whose terminating NUL would not fit", () => {
    const dir = freshDir();
    assert.match(String(listenError(pathOfBytes(dir, 108))), /CannotListenError: .*108 bytes long/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("refuses a path with a NUL byte inside, which would bind only the part before it", () => {
    const dir = freshDir();
    assert.match(String(listenError(`${dir}/a\0b`)), /CannotListenError: .*contains a NUL byte/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("refuses an abstract name of 108 bytes after the NUL and accepts one of 107", async () => {
    const e = listenError(abstractOfBytes(108));
    assert.ok(e instanceof CannotListenError);
    assert.match(e.message, abstractLimit);
    assert.match(e.message, /abstract name is 108 bytes long/);
    const name = abstractOfBytes(107);
    ports.push(listenUNIX(host, name, new RecordingFactory(Echo)));
    assert.equal(await echoes(name), true);
  });
});

describe("connectUNIX with a path the kernel cannot take whole", { skip: process.platform !== "linux" && "Linux limits" }, () => {
  it("fails a 140-byte path with BadUNIXPathError, never reaching the live socket at its first 108 bytes", async () => {
    const dir = freshDir();
    const long = pathOfBytes(dir, 140);
    const prefix = long.slice(0, 108);
    const other = await rawServer(prefix);
    const { error, factory } = await connectFailure(long);
    assert.ok(error instanceof BadUNIXPathError, String(error));
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, "ERR_BAD_UNIX_PATH");
    assert.equal(error.path, long);
    assert.match(error.message, fileLimit);
    assert.deepEqual(factory.log, ["doStart", "startedConnecting", "clientConnectionFailed", "doStop"]);
    await assertOnlyControlArrives(other);
  });

  it("fails an over-long abstract name without reaching the live socket at its first 107 bytes", async () => {
    const long = abstractOfBytes(140);
    const other = await rawServer(long.slice(0, 108));
    const { error } = await connectFailure(long);
    assert.ok(error instanceof BadUNIXPathError, String(error));
    assert.match(error.message, abstractLimit);
    await assertOnlyControlArrives(other);
  });

  it("fails a path with a NUL byte inside without reaching the socket named by the part before it", async () => {
    const dir = freshDir();
    const other = await rawServer(`${dir}/c`);
    const { error } = await connectFailure(`${dir}/c\0zzz`);
    assert.ok(error instanceof BadUNIXPathError, String(error));
    assert.match(error.message, /contains a NUL byte/);
    await assertOnlyControlArrives(other);
  });
});
