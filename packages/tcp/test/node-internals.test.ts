import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { execFileSync } from "node:child_process";
import { fastAcceptSupported, listenSync, DISABLE_FAST_PATH_ENV } from "@torsion/tcp";

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("node-internals", () => {
  it("detects the fast accept path on this Node version", () => {
    assert.equal(fastAcceptSupported, process.env[DISABLE_FAST_PATH_ENV] !== "1");
  });

  it("can be forced off with the environment variable", () => {
    const script = 'import("@torsion/tcp").then((m) => process.stdout.write(String(m.fastAcceptSupported)))';
    const out = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, [DISABLE_FAST_PATH_ENV]: "1" }, cwd: process.cwd(), encoding: "utf8" });
    assert.equal(out, "false");
  });

  it("listenSync tells success before returning, and restores process.nextTick", async () => {
    const before = process.nextTick;
    const server = net.createServer();
    const result = listenSync(server, { port: 0, host: "127.0.0.1" });
    assert.equal(result.state, "listening");
    assert.ok(server.address() !== null);
    assert.equal(process.nextTick, before);
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
});
