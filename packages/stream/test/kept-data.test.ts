/**
 * Keeping received data costs memory in proportion to what is kept (issue 8, defect 6):
 * a server keeps 500 received 15-byte names while 125 MiB of other lines pass through,
 * over real loopback TCP and a Unix socket, and may retain at most 4 MiB for them.
 * The server runs in a child process with `--expose-gc` (see `fixtures/kept-data-server.ts`).
 */
import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./fixtures/kept-data-server.js", import.meta.url));
const NAMES = 500;
const LINE = Buffer.from(`${"x".repeat(1022)}\r\n`);
/** 256 KiB of 1 KiB lines between two names: 125 MiB in all. */
const FILLER = Buffer.concat(Array.from({ length: 256 }, () => LINE));
const LIMIT = 4 * 1024 * 1024;

interface Scenario {
  /** `lines`: a LineReceiver keeps lines; `raw`: a Protocol keeps whole `dataReceived` buffers. */
  readonly mode: "lines" | "raw";
  readonly transport: "tcp" | "unix";
  /** Whether a name follows the filler in the same write (else it is sent alone). */
  readonly embedded: boolean;
  readonly fastPath: boolean;
}

interface Outcome {
  readonly names: number;
  readonly keptBytes: number;
  readonly retained: number;
}

function startServer(scenario: Scenario, path: string): Promise<{ child: ChildProcess; target: string }> {
  const env = { ...process.env };
  if (!scenario.fastPath) env.TORSION_NO_FAST_PATH = "1";
  const child = spawn(process.execPath, ["--expose-gc", SERVER, scenario.mode, scenario.transport, path], {
    env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`server exited early (${String(code)})`)));
    child.stdout.on("data", (data: Buffer) => {
      out += data.toString();
      const match = /LISTENING (\S+)\n/.exec(out);
      if (match !== null) resolve({ child, target: match[1] as string });
    });
  });
}

/** A client that counts `OK` replies and catches the final JSON line. */
class Client {
  readonly socket: net.Socket;
  oks = 0;
  #text = "";
  #waiters: (() => void)[] = [];
  result: Outcome | null = null;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (data: Buffer) => {
      this.#text += data.toString();
      let end = this.#text.indexOf("\r\n");
      while (end >= 0) {
        const line = this.#text.slice(0, end);
        this.#text = this.#text.slice(end + 2);
        if (line === "OK") this.oks++;
        else this.result = JSON.parse(line) as Outcome;
        end = this.#text.indexOf("\r\n");
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for the server")), 20_000);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.#waiters.push(check);
      };
      this.#waiters.push(check);
    });
  }

  async send(data: Buffer): Promise<void> {
    if (!this.socket.write(data)) await new Promise((resolve) => this.socket.once("drain", resolve));
  }
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "torsion-kept-"));
  const { child, target } = await startServer(scenario, join(dir, "s.sock"));
  try {
    const socket = scenario.transport === "unix" ? net.connect(target) : net.connect(Number(target), "127.0.0.1");
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const client = new Client(socket);
    let expected = 0;
    for (let i = 0; i < NAMES; i++) {
      const name = Buffer.from(`N${String(i).padStart(14, "0")}\r\n`);
      if (scenario.embedded) {
        await client.send(Buffer.concat([FILLER, name]));
        expected++;
        continue;
      }
      await client.send(Buffer.concat([FILLER, Buffer.from("SYNC\r\n")]));
      await client.until(() => client.oks >= expected + 1);
      await client.send(name);
      expected += 2;
      await client.until(() => client.oks >= expected);
    }
    await client.until(() => client.oks >= expected);
    await client.send(Buffer.from("DONE\r\n"));
    await client.until(() => client.result !== null);
    socket.destroy();
    return client.result as unknown as Outcome;
  } finally {
    child.stdin?.end();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

async function assertBounded(t: TestContext, scenario: Scenario): Promise<void> {
  const outcome = await runScenario(scenario);
  t.diagnostic(`kept ${outcome.keptBytes} bytes in ${outcome.names} buffers, retained ${mib(outcome.retained)}`);
  assert.equal(outcome.names, NAMES);
  assert.ok(outcome.retained <= LIMIT, `keeping ${outcome.keptBytes} bytes retained ${mib(outcome.retained)} (limit ${mib(LIMIT)})`);
}

describe("kept received data", { concurrency: 2 }, () => {
  it("a LineReceiver keeping 500 names sent alone among 125 MiB of lines over TCP retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "lines", transport: "tcp", embedded: false, fastPath: true }));
  it("a LineReceiver keeping 500 names sent alone among 125 MiB of lines over a Unix socket retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "lines", transport: "unix", embedded: false, fastPath: true }));
  it("a protocol keeping 500 whole small dataReceived buffers among 125 MiB over TCP retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "raw", transport: "tcp", embedded: false, fastPath: true }));
  it("a protocol keeping 500 whole small dataReceived buffers over TCP without the fast path retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "raw", transport: "tcp", embedded: false, fastPath: false }));
  // The framing decoders copy frames of at most 64 bytes out of big chunks
  // (`packages/protocols/src/framing/frame-memory.ts`, called from chunk-queue.ts).
  it("a LineReceiver keeping 500 names that arrive inside bulk reads over TCP retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "lines", transport: "tcp", embedded: true, fastPath: true }));
  it("a LineReceiver keeping 500 names that arrive inside bulk reads over a Unix socket retains at most 4 MiB", (t) =>
    assertBounded(t, { mode: "lines", transport: "unix", embedded: true, fastPath: true }));
});
