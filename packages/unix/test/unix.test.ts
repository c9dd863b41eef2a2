import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { CannotListenError, ConnectionDone, ConnectionRefusedError, UNIXAddress } from "@torsion/core";
import { BadFileError, connectUNIX, InvalidLockFileError, listenUNIX, NotASocketError } from "@torsion/unix";
import { type StreamPort } from "@torsion/stream";
import { fastAcceptSupported } from "@torsion/stream/internal";
import { Echo, OrderFactory, pattern, Recorder, RecordingFactory, waitFor } from "../../stream/dist-test/helpers.js";
import { tempDir } from "./unix-pair.js";
import { FakeTransportHost } from "@torsion/testing";

const host = new FakeTransportHost();
const temp = tempDir();
const ports: StreamPort[] = [];
let counter = 0;
const nextPath = () => path.join(temp.dir, `t${counter++}.sock`);
after(async () => {
  for (const port of ports) await port.stopListening().asPromise();
  host.dispose();
  temp.remove();
});

function listen<P extends Echo | Recorder>(address: string, protocol: new () => P, options: Parameters<typeof listenUNIX>[3] = {}) {
  const factory = new RecordingFactory(protocol);
  const port = listenUNIX(host, address, factory, options);
  ports.push(port);
  return { port, factory };
}

async function echoOnce(address: string, options: Parameters<typeof connectUNIX>[3] = {}): Promise<Recorder> {
  const factory = new OrderFactory(Recorder);
  connectUNIX(host, address, factory, options);
  await waitFor(() => factory.built[0]?.connected === true || factory.failure !== null);
  if (factory.failure !== null) throw factory.failure.value;
  const p = factory.built[0] as Recorder;
  p.transport.write(Buffer.from("echo me"));
  await waitFor(() => p.received === 7);
  p.transport.loseConnection();
  await waitFor(() => p.lostCount === 1);
  return p;
}

/** Spawns a process that listens on `file` (writing a pid lock) and kills it hard. */
async function leaveStaleSocket(file: string): Promise<number> {
  const script = `const net=require("net"),fs=require("fs");net.createServer().listen(${JSON.stringify(file)},()=>{fs.symlinkSync(String(process.pid),${JSON.stringify(file + ".lock")});process.stdout.write("ready")});setTimeout(()=>{},10000)`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", () => reject(new Error("child exited early")));
  });
  const pid = child.pid as number;
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  return pid;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/** Calls listenUNIX expecting CannotListenError; a port it opened anyway is kept for cleanup. */
function cannotListen(address: string, options: Parameters<typeof listenUNIX>[3]): CannotListenError {
  try {
    ports.push(listenUNIX(host, address, new RecordingFactory(Echo), options));
  } catch (error) {
    assert.ok(error instanceof CannotListenError, String(error));
    return error;
  }
  return assert.fail(`listenUNIX(${address}) did not throw`);
}

for (const fastPath of [true, false]) {
  describe(`Unix sockets (${fastPath ? "onread fast path" : "'data' fallback path"})`, () => {
    it("echoes and reports UNIXAddress on both ends", async () => {
      const file = nextPath();
      const { port, factory } = listen(file, Echo, { fastPath });
      assert.ok(port.getHost().equals(new UNIXAddress(file)));
      const client = await echoOnce(file, { fastPath });
      assert.equal(client.bytes().toString(), "echo me");
      assert.ok(client.reason?.value instanceof ConnectionDone);
      assert.ok(client.transport?.getPeer().equals(new UNIXAddress(file)));
      assert.equal(factory.built.length, 1);
      assert.ok(factory.built[0]?.transport?.getHost().equals(new UNIXAddress(file)));
      assert.ok(factory.built[0]?.transport?.getPeer().equals(new UNIXAddress(null)));
      assert.equal(port.acceptPath, fastPath && fastAcceptSupported ? "intercept" : "events");
    });

    it("transfers 10 MiB in each direction byte for byte", async () => {
      const file = nextPath();
      const size = 10 * 1024 * 1024;
      const up = pattern(size, 31);
      const down = pattern(size, 32);
      const { factory: serverFactory } = listen(file, Recorder, { fastPath });
      const factory = new OrderFactory(Recorder);
      connectUNIX(host, file, factory, { fastPath });
      await waitFor(() => serverFactory.built[0]?.connected === true && factory.built[0]?.connected === true);
      const server = serverFactory.built[0] as Recorder;
      const client = factory.built[0] as Recorder;
      client.transport.write(up);
      server.transport.write(down);
      await waitFor(() => server.received === size && client.received === size, 30_000, "10 MiB both ways");
      assert.ok(server.bytes().equals(up));
      assert.ok(client.bytes().equals(down));
      server.transport.loseConnection();
      await waitFor(() => client.lostCount === 1 && server.lostCount === 1);
    });
  });
}

describe("listenUNIX", () => {
  it("gives the socket file the requested mode (default 0o666)", () => {
    const a = nextPath();
    const b = nextPath();
    listen(a, Echo);
    listen(b, Echo, { mode: 0o600 });
    assert.equal(fs.statSync(a).mode & 0o777, 0o666);
    assert.equal(fs.statSync(b).mode & 0o777, 0o600);
    assert.ok(fs.statSync(a).isSocket());
  });

  it("removes its socket file and lock file on stopListening", async () => {
    const file = nextPath();
    const port = listenUNIX(host, file, new RecordingFactory(Echo), { wantPID: true });
    assert.ok(fs.existsSync(file));
    assert.equal(fs.readlinkSync(`${file}.lock`), String(process.pid));
    await port.stopListening().asPromise();
    assert.equal(fs.existsSync(file), false);
    assert.equal(fs.existsSync(`${file}.lock`), false);
  });

  it("refuses a path a live listener uses, with or without wantPID, and never steals it", async () => {
    const file = nextPath();
    listen(file, Echo, { wantPID: true });
    assert.throws(() => listenUNIX(host, file, new RecordingFactory(Echo)), CannotListenError);
    assert.throws(() => listenUNIX(host, file, new RecordingFactory(Echo), { wantPID: true }), CannotListenError);
    const plain = nextPath();
    listen(plain, Echo);
    assert.throws(
      () => listenUNIX(host, plain, new RecordingFactory(Echo), { wantPID: true }),
      (e: unknown) => e instanceof CannotListenError && (e.cause as { code?: string }).code === "EADDRINUSE",
    );
    assert.equal((await echoOnce(file)).bytes().toString(), "echo me");
    assert.equal((await echoOnce(plain)).bytes().toString(), "echo me");
  });

  it("without wantPID, a stale socket file fails with EADDRINUSE and is left in place", async () => {
    const file = nextPath();
    await leaveStaleSocket(file);
    assert.throws(
      () => listenUNIX(host, file, new RecordingFactory(Echo)),
      (e: unknown) => e instanceof CannotListenError && (e.cause as { code?: string }).code === "EADDRINUSE",
    );
    assert.ok(fs.existsSync(file));
  });

  it("with wantPID, reclaims a socket file whose lock names a dead process", async () => {
    const file = nextPath();
    const deadPid = await leaveStaleSocket(file);
    assert.equal(fs.readlinkSync(`${file}.lock`), String(deadPid));
    listen(file, Echo, { wantPID: true });
    assert.equal(fs.readlinkSync(`${file}.lock`), String(process.pid));
    assert.equal((await echoOnce(file)).bytes().toString(), "echo me");
  });

  it("with wantPID and a dead owner's lock, leaves a regular file at the path alone and fails", () => {
    const file = path.join(temp.dir, `data${counter++}.db`);
    fs.writeFileSync(file, "precious rows");
    fs.symlinkSync(String(deadPid()), `${file}.lock`);
    const error = cannotListen(file, { wantPID: true });
    assert.ok(error.cause instanceof NotASocketError);
    assert.match(error.message, /is a regular file, not a socket; it was left in place/);
    assert.equal(fs.readFileSync(file, "utf8"), "precious rows");
    assert.equal(fs.existsSync(`${file}.lock`), false, "the lock taken over from the dead owner is released");
  });

  it("with wantPID and a dead owner's lock, removes neither a directory nor a symbolic link at the path", () => {
    const dir = nextPath();
    fs.mkdirSync(dir);
    const link = nextPath();
    fs.symlinkSync(dir, link);
    for (const [target, kind] of [
      [dir, "directory"],
      [link, "symbolic link"],
    ] as const) {
      fs.symlinkSync(String(deadPid()), `${target}.lock`);
      const error = cannotListen(target, { wantPID: true });
      assert.ok(error.cause instanceof NotASocketError);
      assert.match(error.message, new RegExp(`is a ${kind}, not a socket`));
    }
    assert.ok(fs.lstatSync(dir).isDirectory());
    assert.ok(fs.lstatSync(link).isSymbolicLink());
  });

  it("with wantPID, a lock file that is not a PID lock is an error and is never deleted", () => {
    const file = nextPath();
    fs.writeFileSync(`${file}.lock`, "not a lock");
    const notLink = cannotListen(file, { wantPID: true });
    assert.ok(notLink.cause instanceof InvalidLockFileError);
    assert.match(notLink.message, /\.lock is not a PID lock file \(a regular file, not a symbolic link\); it was left in place/);
    assert.equal(fs.readFileSync(`${file}.lock`, "utf8"), "not a lock");
    assert.equal(fs.existsSync(file), false);
    const other = nextPath();
    fs.symlinkSync("some/target", `${other}.lock`);
    const badTarget = cannotListen(other, { wantPID: true });
    assert.ok(badTarget.cause instanceof InvalidLockFileError);
    assert.match(badTarget.message, /a symbolic link to "some\/target", not to a process id/);
    assert.equal(fs.readlinkSync(`${other}.lock`), "some/target");
    assert.equal(fs.existsSync(other), false);
  });

  it("listens on a Linux abstract-namespace address", async () => {
    const name = `\0torsion-test-${process.pid}-${counter++}`;
    const { port } = listen(name, Echo);
    assert.equal(port.getHost().name, name);
    assert.equal((await echoOnce(name)).bytes().toString(), "echo me");
  });
});

describe("connectUNIX", () => {
  it("fails with ConnectionRefusedError for a missing path and for a dead socket file", async () => {
    for (const file of [
      nextPath(),
      await (async () => {
        const f = nextPath();
        await leaveStaleSocket(f);
        return f;
      })(),
    ]) {
      const factory = new OrderFactory(Recorder);
      connectUNIX(host, file, factory);
      await waitFor(() => factory.failure !== null);
      assert.ok(factory.failure?.value instanceof ConnectionRefusedError, String(factory.failure?.value));
      assert.deepEqual(factory.log, ["doStart", "startedConnecting", "clientConnectionFailed", "doStop"]);
    }
  });

  it("with checkPID, fails with BadFileError unless a live process holds the lock", async () => {
    const plain = nextPath();
    listen(plain, Echo);
    const factory = new OrderFactory(Recorder);
    connectUNIX(host, plain, factory, { checkPID: true });
    await waitFor(() => factory.failure !== null);
    assert.ok(factory.failure?.value instanceof BadFileError);
    const locked = nextPath();
    listen(locked, Echo, { wantPID: true });
    assert.equal((await echoOnce(locked, { checkPID: true })).bytes().toString(), "echo me");
  });

  it("a raw net client sees the same bytes as a Torsion client", async () => {
    const file = nextPath();
    listen(file, Echo);
    const got = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(file, () => socket.end("raw"));
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
    });
    assert.equal(got, "raw");
  });
});
