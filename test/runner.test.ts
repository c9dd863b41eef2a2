/**
 * The `torsion` runner as a child process: serving a module, graceful SIGTERM with
 * transfers in flight, clear failures with Twisted's exit statuses, and `--health`.
 * (Workers: runner-workers.test.ts; portforward: runner-portforward.test.ts.)
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { exchange, killAllRunners, listeningPort, startRunner, withDeadline } from "./runner-harness.js";

const LOOPBACK = "tcp:0:interface=127.0.0.1";

after(killAllRunners);

describe("the torsion runner", () => {
  it("serves an example module's factory and stops with status 0 on SIGTERM", { timeout: 20_000 }, async () => {
    const runner = startRunner(["serve", "--listen", LOOPBACK, "examples/dist/echo-server/main.js"]);
    const port = await listeningPort(runner);
    const data = randomBytes(100_000);
    assert.deepEqual(await exchange(port, data), data);
    runner.child.kill("SIGTERM");
    assert.deepEqual(await runner.exited(10_000), { code: 0, signal: null });
  });

  it("delivers every byte of transfers in flight when SIGTERM arrives, then exits 0", { timeout: 25_000 }, async () => {
    const total = 8 * 1024 * 1024;
    const runner = startRunner(["serve", "--listen", LOOPBACK, "test/fixtures/runner/blast-server.mjs"], { BLAST_BYTES: String(total) });
    const port = await listeningPort(runner);
    const received = await withDeadline(
      new Promise<number>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        let count = 0;
        socket.on("error", reject);
        socket.once("data", (chunk: Buffer) => {
          count += chunk.length;
          socket.pause(); // the server's send buffer fills up: the transfer is in flight
          runner.child.kill("SIGTERM");
          setTimeout(() => socket.resume(), 300);
          socket.on("data", (more: Buffer) => (count += more.length));
        });
        socket.on("end", () => resolve(count));
      }),
      20_000,
      () => "the transfer did not finish",
    );
    assert.equal(received, total);
    assert.deepEqual(await runner.exited(10_000), { code: 0, signal: null });
  });

  it("exits with EX_NOINPUT (66) and names the file when the module does not exist", { timeout: 15_000 }, async () => {
    const runner = startRunner(["serve", "--listen", LOOPBACK, "examples/dist/no-such-example/main.js"]);
    assert.deepEqual(await runner.exited(10_000), { code: 66, signal: null });
    assert.match(runner.stderr(), /torsion: cannot find module "examples\/dist\/no-such-example\/main\.js"/);
  });

  it("exits with EX_USAGE (64) and the endpoint error for a bad --listen description", { timeout: 15_000 }, async () => {
    const runner = startRunner(["serve", "--listen", "tcp:http", "examples/dist/echo-server/main.js"]);
    assert.deepEqual(await runner.exited(10_000), { code: 64, signal: null });
    assert.match(runner.stderr(), /torsion: .*port="http": expected a decimal integer/);
    assert.match(runner.stderr(), /Try torsion serve --help/);
  });

  it("exits with EX_SOFTWARE (70) and the plugin's message when a plugin throws at start-up", { timeout: 15_000 }, async () => {
    const runner = startRunner(["./test/fixtures/runner/throwing-plugin.mjs"]);
    assert.deepEqual(await runner.exited(10_000), { code: 70, signal: null });
    assert.match(runner.stderr(), /torsion: the throwing plugin refuses to start/);
  });

  it("exits with EX_SOFTWARE (70) and logs critical when the service's startService fails", { timeout: 15_000 }, async () => {
    const runner = startRunner(["serve", "test/fixtures/runner/failing-start.mjs"]);
    assert.deepEqual(await runner.exited(10_000), { code: 70, signal: null });
    assert.match(runner.stdout(), /#critical\] start-up failed: .*startService failed on purpose/);
  });

  it("exits with EX_UNAVAILABLE (69) when the port is taken", { timeout: 15_000 }, async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const runner = startRunner(["echo", "--listen", `tcp:${port}:interface=127.0.0.1`]);
      assert.deepEqual(await runner.exited(10_000), { code: 69, signal: null });
      assert.match(runner.stdout(), /start-up failed/);
    } finally {
      taken.close();
    }
  });

  it("answers health checks with OK and closes", { timeout: 15_000 }, async () => {
    const runner = startRunner(["--health", "tcp:0:interface=127.0.0.1:backlog=5", "echo", "--listen", LOOPBACK]);
    const match = await runner.waitFor(/\[torsion\.runner\.health#info\] listening on tcp:0:interface=127\.0\.0\.1:backlog=5 \(.*port=(\d+)\)\)/, 10_000);
    assert.equal((await exchange(Number(match[1]), null)).toString(), "OK\n");
    assert.equal((await exchange(Number(match[1]), Buffer.from("ignored"))).toString(), "OK\n");
    const echoPort = await listeningPort(runner);
    assert.equal((await exchange(echoPort, Buffer.from("still echoing"))).toString(), "still echoing");
    runner.child.kill("SIGINT");
    assert.equal((await runner.exited(10_000)).code, 0);
  });

  it("prints its usage and each plugin's with --help, and exits EX_USAGE for an unknown plugin", { timeout: 20_000 }, async () => {
    const help = startRunner(["--help"]);
    assert.equal((await help.exited(10_000)).code, 0);
    assert.match(help.stdout(), /Usage: torsion \[options\] PLUGIN[\s\S]*portforward/);
    const serveHelp = startRunner(["serve", "--help"]);
    assert.equal((await serveHelp.exited(10_000)).code, 0);
    assert.match(serveHelp.stdout(), /Usage: torsion serve --listen DESCRIPTION/);
    const unknown = startRunner(["no-such-plugin"]);
    assert.equal((await unknown.exited(10_000)).code, 64);
    assert.match(unknown.stderr(), /no plugin named "no-such-plugin" \(tried the built-in plugins, torsion-plugin-no-such-plugin\)/);
  });
});
