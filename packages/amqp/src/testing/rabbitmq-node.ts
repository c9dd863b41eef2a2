import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The Debian broker's start script (run directly: the /usr/sbin wrapper logs to /var/log and switches users). */
export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const EPMD = "/usr/bin/epmd";

/** Whether the broker is installed (`rabbitmq-server` and Erlang's `epmd`). */
export function rabbitmqAvailable(): boolean {
  return existsSync(RABBITMQ_SERVER) && existsSync(EPMD);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0] ?? ""} failed: ${result.stderr}`);
}

/** A throw-away CA and a server certificate for localhost / 127.0.0.1. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string; caDir: string } {
  const caDir = join(dir, "ca");
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca/ca.pem", "-days", "2", "-subj", "/CN=torsion test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca/ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"], dir);
  return { ca: join(caDir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server.key"), caDir };
}

/**
 * A private RabbitMQ node for tests: its own temp dir (data, logs, config, Erlang cookie),
 * node name, AMQP and distribution ports on loopback, and its own `epmd` on a private
 * port (`ERL_EPMD_PORT`), so it shares no state with the system service or other runs.
 * {@link stop} kills the broker and that epmd (by pid) and removes the dir.
 */
export class RabbitMQNode {
  readonly dir: string;
  readonly port: number;
  readonly nodeName: string;
  /** The AMQPS (TLS) port, when started with `tls`; else `null`. */
  readonly tlsPort: number | null;
  /** A directory holding the test CA certificate that signed the broker's (`localhost`, 127.0.0.1). */
  readonly caDir: string | null;
  readonly #env: NodeJS.ProcessEnv;
  readonly #epmd: ChildProcess;
  #server: ChildProcess | null = null;
  #logs = "";

  private constructor(dir: string, port: number, distPort: number, epmdPort: number, tlsPort: number | null) {
    this.dir = dir;
    this.port = port;
    this.tlsPort = tlsPort;
    this.nodeName = `torsion${process.pid}x${port}@localhost`;
    writeFileSync(join(dir, "enabled_plugins"), "[].\n");
    let conf = `listeners.tcp.default = 127.0.0.1:${port}\n`;
    if (tlsPort !== null) {
      const tls = makeCertificates(join(dir, "tls"));
      conf += [
        `listeners.ssl.default = 127.0.0.1:${tlsPort}`,
        `ssl_options.cacertfile = ${tls.ca}`,
        `ssl_options.certfile = ${tls.cert}`,
        `ssl_options.keyfile = ${tls.key}`,
        "ssl_options.verify = verify_none",
        "ssl_options.fail_if_no_peer_cert = false",
        "",
      ].join("\n");
      this.caDir = tls.caDir;
    } else this.caDir = null;
    writeFileSync(join(dir, "rabbitmq.conf"), conf);
    this.#env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      LANG: "C.UTF-8",
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(dir, "log"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
      RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
      RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
      RABBITMQ_PID_FILE: join(dir, "rabbit.pid"),
      ERL_EPMD_PORT: String(epmdPort),
      ERL_EPMD_ADDRESS: "127.0.0.1",
    };
    this.#epmd = spawn(EPMD, ["-port", String(epmdPort), "-address", "127.0.0.1"], { env: this.#env, stdio: "ignore" });
  }

  /** The AMQP URL of the node (guest/guest, vhost `/`). */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}/`;
  }

  /** The AMQPS URL (host `localhost`, trusting the test CA), when started with `tls`. */
  get tlsUrl(): string | null {
    return this.tlsPort === null ? null : `amqps://guest:guest@localhost:${this.tlsPort}/?cacertdir=${encodeURIComponent(this.caDir ?? "")}`;
  }

  /**
   * Starts a node and waits until it accepts AMQP connections (at most `timeoutMs`). With
   * `tls`, it also listens for AMQPS with a certificate for `localhost` signed by a
   * throw-away CA (made with `openssl`; see {@link caDir}).
   */
  static async start(options: { timeoutMs?: number; tls?: boolean } = {}): Promise<RabbitMQNode> {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const dir = mkdtempSync(join(tmpdir(), "torsion-rabbitmq-"));
    const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
    const tlsPort = options.tls === true ? await freePort() : null;
    const node = new RabbitMQNode(dir, port, distPort, epmdPort, tlsPort);
    try {
      await node.boot(timeoutMs);
    } catch (error) {
      await node.stop();
      throw error;
    }
    return node;
  }

  /** Starts the broker process on the node's dir and waits for its AMQP port. */
  async boot(timeoutMs = 90_000): Promise<void> {
    const server = spawn(RABBITMQ_SERVER, [], { cwd: this.dir, env: this.#env, stdio: ["ignore", "pipe", "pipe"] });
    this.#server = server;
    server.stdout.setEncoding("utf8").on("data", (s: string) => (this.#logs = (this.#logs + s).slice(-4000)));
    server.stderr.setEncoding("utf8").on("data", (s: string) => (this.#logs = (this.#logs + s).slice(-4000)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (server.exitCode !== null) throw new Error(`rabbitmq-server exited with ${server.exitCode}: ${this.#logs}`);
      if (await accepts(this.port)) return;
      await sleep(200);
    }
    throw new Error(`rabbitmq-server did not accept connections within ${timeoutMs} ms: ${this.#logs}`);
  }

  /** Runs `rabbitmqctl -n NODE ...args` against this node (same HOME, cookie and epmd); resolves with its stdout. */
  ctl(args: readonly string[], timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-n", this.nodeName, ...args], { cwd: this.dir, env: this.#env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
      child.stderr.setEncoding("utf8").on("data", (s: string) => (out += s));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`rabbitmqctl ${args.join(" ")} exited with ${String(code)}: ${out}`));
      });
    });
  }

  /** The pid of the broker's Erlang VM (`beam.smp`), found through /proc by its home dir. */
  beamPid(): number | null {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
        if (cmdline.includes("beam") && cmdline.includes(this.dir)) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
    return null;
  }

  /** Sends `signal` to the broker's VM (SIGSTOP/SIGCONT to stall it). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.beamPid();
    if (pid !== null) process.kill(pid, signal);
  }

  /** Stops the broker (SIGTERM, then SIGKILL after `graceMs`) and waits for its VM to exit; the data dir stays. */
  async halt(graceMs = 20_000): Promise<void> {
    const pid = this.beamPid();
    if (pid !== null) {
      process.kill(pid, "SIGCONT");
      process.kill(pid, graceMs === 0 ? "SIGKILL" : "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (this.beamPid() !== null) {
        if (Date.now() > deadline) process.kill(pid, "SIGKILL");
        await sleep(100);
      }
    }
    const server = this.#server;
    this.#server = null;
    if (server !== null && server.exitCode === null) {
      server.kill("SIGKILL");
    }
  }

  /** Stops the broker at once, ends the private epmd and removes the dir. */
  async stop(): Promise<void> {
    await this.halt(0);
    if (this.#epmd.exitCode === null) this.#epmd.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
