import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { execFileSync } from "node:child_process";
import { DISABLE_FAST_PATH_ENV } from "@torsion/stream";
import { fastAcceptSupported, interceptAccept, listenSync, wrapHandle, type AcceptedHandle } from "@torsion/stream/internal";

/** The function now installed as `process.nextTick` (read without calling it, to compare identities). */
function currentNextTick(): unknown {
  return Reflect.get(process, "nextTick") as unknown;
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("node-internals", () => {
  it("detects the fast accept path on this Node version", () => {
    assert.equal(fastAcceptSupported, process.env[DISABLE_FAST_PATH_ENV] !== "1");
  });

  it("can be forced off with the environment variable", () => {
    const script = 'import("@torsion/stream/internal").then((m) => process.stdout.write(String(m.fastAcceptSupported)))';
    const out = execFileSync(process.execPath, ["-e", script], {
      env: { ...process.env, [DISABLE_FAST_PATH_ENV]: "1" },
      cwd: process.cwd(),
      encoding: "utf8",
    });
    assert.equal(out, "false");
  });

  it("listenSync tells success before returning, and restores process.nextTick", async () => {
    const before = currentNextTick();
    const server = net.createServer();
    const result = listenSync(server, { port: 0, host: "127.0.0.1" });
    assert.equal(result.state, "listening");
    assert.ok(server.address() !== null);
    assert.equal(currentNextTick(), before);
    await close(server);
  });

  it("listenSync tells EADDRINUSE before returning", async () => {
    const first = net.createServer();
    listenSync(first, { port: 0, host: "127.0.0.1" });
    const taken = (first.address() as net.AddressInfo).port;
    const second = net.createServer();
    const late: Error[] = [];
    second.on("error", (e) => late.push(e));
    const result = listenSync(second, { port: taken, host: "127.0.0.1" });
    assert.equal(result.state, "failed");
    assert.equal(result.state === "failed" ? (result.error as { code?: string }).code : "", "EADDRINUSE");
    await new Promise((r) => setImmediate(r));
    assert.equal(late.length, 1, "the server's own asynchronous error still arrives");
    await close(first);
  });

  it("interceptAccept hands each accepted handle to the callback instead of emitting 'connection'", { timeout: 10_000 }, async (t) => {
    const server = net.createServer();
    t.after(() => server.close());
    let events = 0;
    server.on("connection", () => events++);
    assert.equal(
      interceptAccept(server, () => {}),
      false,
      "refused before listening: there is no handle yet",
    );
    listenSync(server, { port: 0, host: "127.0.0.1" });
    const handles: AcceptedHandle[] = [];
    const sockets: net.Socket[] = [];
    const intercepted = interceptAccept(server, (handle) => {
      handles.push(handle);
      let buffer = Buffer.alloc(1024);
      const socket = wrapHandle(handle, {
        writableHighWaterMark: 1024,
        noDelay: true,
        onread: {
          buffer: () => buffer,
          callback: (n, b) => {
            socket.write(Buffer.from(b.subarray(0, n)));
            buffer = Buffer.alloc(1024);
            return true;
          },
        },
      });
      sockets.push(socket);
    });
    assert.equal(intercepted, fastAcceptSupported);
    if (!intercepted) return;
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, "127.0.0.1");
    t.after(() => client.destroy());
    client.write("hello");
    const echoed = await new Promise<string>((resolve) => client.once("data", (d) => resolve(d.toString())));
    assert.equal(echoed, "hello");
    assert.equal(handles.length, 1);
    assert.equal(events, 0, "no placeholder socket was emitted");
    assert.equal(sockets[0]?.remotePort, client.localPort);
    sockets[0]?.setNoDelay(false);
    sockets[0]?.destroy();
  });

  it("interceptAccept leaves accept errors to the server's own handler", () => {
    if (!fastAcceptSupported) return;
    const server = net.createServer();
    listenSync(server, { port: 0, host: "127.0.0.1" });
    const calls: unknown[] = [];
    assert.equal(
      interceptAccept(server, (h) => calls.push(h)),
      true,
    );
    const errors: Error[] = [];
    server.on("error", (e) => errors.push(e));
    const handle = (server as unknown as { _handle: { onconnection: (err: number, h: unknown) => void } })._handle;
    handle.onconnection(-24, undefined);
    assert.equal(calls.length, 0);
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as { code?: string }).code), /EMFILE/);
    server.close();
  });
});
