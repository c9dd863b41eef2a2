// A small version of Twisted's procmon: keeps child processes running, restarting each
// one when it exits with an exponential backoff (reset once a child has stayed up for
// `threshold` seconds), and stops them with SIGTERM (SIGKILL after `killTime`).
import {
  ProcessProtocol,
  type Failure,
  type IDelayedCall,
  type IProcessTransport,
  type IReactorProcess,
  type IReactorTime,
  type ProcessTerminated,
} from "torsion";

export interface MonitorOptions {
  /** First restart delay, seconds. */
  readonly minRestartDelay?: number;
  /** Largest restart delay, seconds. */
  readonly maxRestartDelay?: number;
  /** A child that ran at least this long restarts after minRestartDelay again. */
  readonly threshold?: number;
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  readonly killTime?: number;
  /** Receives one line per event. */
  readonly log?: (line: string) => void;
}

class Watched extends ProcessProtocol {
  constructor(
    readonly name: string,
    readonly onEnded: (reason: Failure) => void,
    readonly log: (line: string) => void,
  ) {
    super();
  }

  override outReceived(data: Buffer): void {
    for (const line of data.toString().split("\n").filter(Boolean)) this.log(`[${this.name}] ${line}`);
  }

  override processEnded(reason: Failure): void {
    this.onEnded(reason);
  }
}

interface Entry {
  readonly args: readonly string[];
  transport: IProcessTransport | null;
  delay: number;
  startedAt: number;
  restart: IDelayedCall | null;
  killer: IDelayedCall | null;
}

export class ProcessMonitor {
  readonly #reactor: IReactorProcess & IReactorTime;
  readonly #entries = new Map<string, Entry>();
  readonly #min: number;
  readonly #max: number;
  readonly #threshold: number;
  readonly #killTime: number;
  readonly #log: (line: string) => void;
  #running = false;
  #stopped: (() => void)[] = [];

  constructor(reactor: IReactorProcess & IReactorTime, options: MonitorOptions = {}) {
    this.#reactor = reactor;
    this.#min = options.minRestartDelay ?? 1;
    this.#max = options.maxRestartDelay ?? 3600;
    this.#threshold = options.threshold ?? 1;
    this.#killTime = options.killTime ?? 5;
    this.#log = options.log ?? ((line) => console.log(line));
  }

  addProcess(name: string, args: readonly string[]): void {
    this.#entries.set(name, { args, transport: null, delay: this.#min, startedAt: 0, restart: null, killer: null });
    if (this.#running) this.#start(name);
  }

  startService(): void {
    this.#running = true;
    for (const name of this.#entries.keys()) this.#start(name);
  }

  /** Stops restarting and terminates every child; resolves once all have ended. */
  stopService(): Promise<void> {
    this.#running = false;
    for (const [name, entry] of this.#entries) {
      entry.restart?.cancel();
      entry.restart = null;
      if (entry.transport === null) continue;
      this.#log(`stopping ${name}`);
      entry.transport.signalProcess("TERM");
      entry.killer = this.#reactor.callLater(this.#killTime, () => entry.transport?.signalProcess("KILL"));
    }
    return new Promise((resolve) => {
      this.#stopped.push(resolve);
      this.#checkStopped();
    });
  }

  #start(name: string): void {
    const entry = this.#entries.get(name)!;
    entry.restart = null;
    entry.startedAt = this.#reactor.seconds();
    const protocol = new Watched(name, (reason) => this.#ended(name, reason), this.#log);
    entry.transport = this.#reactor.spawnProcess(protocol, entry.args[0]!, entry.args);
    this.#log(`started ${name} pid=${String(entry.transport.pid)}`);
  }

  #ended(name: string, reason: Failure): void {
    const entry = this.#entries.get(name)!;
    entry.transport = null;
    entry.killer?.cancel();
    entry.killer = null;
    const value = reason.value as ProcessTerminated;
    const how = value.signal !== null && value.signal !== undefined ? `signal ${value.signal}` : `code ${String(value.exitCode)}`;
    if (!this.#running) {
      this.#log(`${name} stopped (${how})`);
      this.#checkStopped();
      return;
    }
    if (this.#reactor.seconds() - entry.startedAt >= this.#threshold) entry.delay = this.#min;
    const delay = entry.delay;
    entry.delay = Math.min(entry.delay * 2, this.#max);
    this.#log(`${name} exited (${how}); restarting in ${delay}s`);
    entry.restart = this.#reactor.callLater(delay, () => this.#start(name));
  }

  #checkStopped(): void {
    for (const entry of this.#entries.values()) if (entry.transport !== null) return;
    for (const resolve of this.#stopped.splice(0)) resolve();
  }
}
