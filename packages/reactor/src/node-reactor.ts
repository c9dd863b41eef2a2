import createDebug from "debug";
import {
  ReactorAlreadyRunning,
  ReactorNotRunning,
  type ConnectTCPOptions,
  type ConnectUNIXOptions,
  type EventPhase,
  type IClientFactory,
  type IConnector,
  type IDatagramProtocol,
  type IDelayedCall,
  type IListeningPort,
  type IPAddress,
  type UNIXAddress,
  type IMulticastTransport,
  type IProtocolFactory,
  type IReactorCore,
  type IReactorMulticast,
  type IProcessProtocol,
  type IProcessTransport,
  type IReactorProcess,
  type SpawnProcessOptions,
  type IReactorTCP,
  type IReactorSSL,
  type IReactorTime,
  type IReactorUDP,
  type IReactorUNIX,
  type IShutdownResource,
  type ITransportHost,
  type IUDPTransport,
  type ListenMulticastOptions,
  type ListenTCPOptions,
  type ListenUDPOptions,
  type ListenUNIXOptions,
  type TriggerId,
} from "@torsion/core";
import { Failure, reportError as reportToProcess, type Deferred, type ErrorReporter } from "@torsion/defer";
import * as childProcess from "@torsion/process";
import { allocatorHint } from "@torsion/stream";
import * as ssl from "@torsion/tls";
import * as tcp from "@torsion/tcp";
import { ThreadPool, type IReactorThreads } from "@torsion/threads";
import * as udp from "@torsion/udp";
import * as unix from "@torsion/unix";
import { ResourceRegistry, SHUTDOWN_MARGIN_SECONDS } from "./resource-registry.js";
import { SignalHandlers } from "./signal-handlers.js";
import { SystemEvents } from "./system-events.js";
import { TimerQueue } from "./timer-queue.js";
import { unsupportedUnixDatagram, type ConnectUNIXDatagramOptions, type ListenUNIXDatagramOptions } from "./unix-datagram.js";

const debug = createDebug("torsion:reactor:reactor");

/** Interval of the ref'd do-nothing timer that holds the process open while running (max Node delay). */
const KEEP_ALIVE_MS = 2 ** 31 - 1;

/** Options of {@link NodeReactor}. */
export interface NodeReactorOptions {
  /**
   * Install SIGINT and SIGTERM listeners that call `stop()`. They are installed by `run()`
   * and removed as soon as `stop()` begins (so a second Ctrl-C during a slow shutdown gets
   * Node's default action) or by `crash()`.
   * @default true
   */
  readonly installSignalHandlers?: boolean;
  /**
   * How long `stop()` lets each open connection flush its pending writes: every connection
   * gets `loseConnection()` and is aborted if it has not closed after this many seconds.
   * Must be a finite number >= 0.
   * @default 10
   */
  readonly shutdownGraceSeconds?: number;
  /**
   * How long `stop()` waits for the ports to stop, and then for the connections to close,
   * before giving up on the stragglers (reported as `ShutdownTimeoutError`, left behind)
   * and finishing the shutdown. Must be a finite number >= 0.
   * @default shutdownGraceSeconds + 1
   */
  readonly shutdownTimeoutSeconds?: number;
  /**
   * Receives every error the reactor catches (exceptions in timed calls, triggers, transport
   * callbacks). If it throws, both errors go to the process-wide reporter.
   * @default the process-wide reporter of `@torsion/defer` (`reportError`, see `setErrorReporter`)
   */
  readonly errorReporter?: ErrorReporter;
  /**
   * Let the first connection that reads in bulk give glibc's `malloc` a one-time hint
   * (allocate and drop one untouched 8 MiB block) that raises its mmap and trim
   * thresholds for the WHOLE process, so read slabs are reused from the heap instead of
   * being faulted in and zeroed for every read (measured: 10-20 % less server CPU per
   * 64 KiB chunk when streaming, about half the page faults per MB). Cost: up to 16 MiB
   * of freed heap may stay resident, for the host application too. Process-wide: any
   * reactor created with it on enables it; `TORSION_NO_ALLOCATOR_HINT=1` turns it off
   * whatever this says. No effect with another allocator. See `@torsion/stream`'s
   * `allocator-hint.ts`.
   * @default true
   */
  readonly allocatorHint?: boolean;
}

type ReactorState = "stopped" | "starting" | "running" | "stopping";

function checkSeconds(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * The real reactor: Twisted's reactor on top of Node's event loop.
 *
 * **Always live.** Node's loop is always running, so delayed calls fire and I/O flows as
 * soon as they are scheduled, whether or not `run()` was called; a pending delayed call
 * keeps the process alive like a `setTimeout`. `run()` only fires `startup`, marks the
 * reactor running and holds the process open until `stop()`. Several reactors may exist,
 * and a stopped reactor may be run again (unlike Twisted).
 *
 * **Timers.** Pending calls sit in a heap driven by one Node timer armed for the earliest;
 * calls due at the same time run in scheduling order; calls scheduled while timed calls run
 * wait for the next pass; exceptions are reported and never crash the process.
 *
 * **Stop.** `stop()` fires `shutdown`: `before` triggers (their Deferreds/promises are
 * awaited), then `running` turns false and the `during` triggers run, then every port
 * stops, then every connection closes (flushing writes, see `shutdownGraceSeconds`), then
 * every pending delayed call is cancelled, then `after` triggers run and `run()`'s promise
 * resolves. Nothing calls `process.exit`: with no handles left, Node exits on its own.
 */
export class NodeReactor
  implements
    IReactorCore,
    IReactorTime,
    IReactorTCP,
    IReactorSSL,
    IReactorUDP,
    IReactorMulticast,
    IReactorUNIX,
    IReactorProcess,
    IReactorThreads,
    ITransportHost
{
  readonly #installSignalHandlers: boolean;
  readonly #graceSeconds: number;
  readonly #timeoutSeconds: number;
  readonly #errorReporter: ErrorReporter | undefined;
  readonly #timers: TimerQueue;
  readonly #events: SystemEvents;
  readonly #resources: ResourceRegistry;
  readonly #signals: SignalHandlers;
  #state: ReactorState = "stopped";
  #running = false;
  /** Bumped by every run() and crash(); async continuations of an older one give up. */
  #generation = 0;
  #stopRequested = false;
  #keepAlive: NodeJS.Timeout | undefined;
  #resolveRun: (() => void) | undefined;
  #threadPool: ThreadPool | undefined;

  /** @throws RangeError if `shutdownGraceSeconds` or `shutdownTimeoutSeconds` is negative or not finite */
  constructor(options: NodeReactorOptions = {}) {
    this.#graceSeconds = checkSeconds("shutdownGraceSeconds", options.shutdownGraceSeconds ?? 10);
    this.#timeoutSeconds = checkSeconds(
      "shutdownTimeoutSeconds",
      options.shutdownTimeoutSeconds ?? this.#graceSeconds + SHUTDOWN_MARGIN_SECONDS,
    );
    this.#installSignalHandlers = options.installSignalHandlers ?? true;
    this.#errorReporter = options.errorReporter;
    if (options.allocatorHint ?? true) allocatorHint.enable();
    const report = (error: unknown, context: string): void => this.reportError(error, context);
    this.#timers = new TimerQueue({ now: () => this.seconds(), report });
    this.#events = new SystemEvents(report);
    this.#resources = new ResourceRegistry(report);
    this.#signals = new SignalHandlers(() => this.#onSignal());
  }

  /** True from `during startup` until `during shutdown` (see {@link IReactorCore.running}). */
  get running(): boolean {
    return this.#running;
  }

  /** The grace period given to connections by `stop()`, in seconds. */
  get shutdownGraceSeconds(): number {
    return this.#graceSeconds;
  }

  // ---- IReactorTime / ITransportHost ------------------------------------------------------

  /** Monotonic time in seconds (a float), from `performance.now()`; unrelated to the wall clock. */
  seconds(): number {
    return performance.now() / 1000;
  }

  /**
   * Runs `fn(...args)` once, `delay` seconds from now (see {@link IReactorTime.callLater}),
   * whether or not the reactor is running. Returns core's `DelayedCall`.
   *
   * @throws RangeError if `delay` is negative or NaN
   */
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    return this.#timers.schedule(delay, fn, args);
  }

  /** Every pending delayed call, earliest first. */
  getDelayedCalls(): IDelayedCall[] {
    return this.#timers.pending();
  }

  /**
   * Registers a port or connection for `stop()` to close; returns an idempotent function
   * that unregisters it (call it when the resource closed on its own).
   */
  registerResource(resource: IShutdownResource): () => void {
    return this.#resources.register(resource);
  }

  /** Reports `error` through the `errorReporter` option (default: the process-wide reporter). Never throws. */
  reportError(error: unknown, context: string): void {
    const reporter = this.#errorReporter;
    if (reporter === undefined) {
      reportToProcess(error, context);
      return;
    }
    try {
      reporter(Failure.from(error), context);
    } catch (reporterError) {
      reportToProcess(error, context);
      reportToProcess(reporterError, "error in the reactor's errorReporter");
    }
  }

  // ---- IReactorCore ------------------------------------------------------------------------

  /**
   * Fires `startup`, marks the reactor running (in `during startup`), runs the
   * `callWhenRunning` callbacks (`after startup`) and holds the process open until the
   * reactor stops. Synchronous as far as no `before startup` trigger returned a pending
   * Deferred. The promise resolves once `stop()` finished (or `crash()` was called); it
   * never rejects, so calling `run()` without awaiting it is fine.
   *
   * @throws ReactorAlreadyRunning if the reactor is starting, running or stopping
   */
  run(): Promise<void> {
    if (this.#state !== "stopped") throw new ReactorAlreadyRunning();
    const generation = ++this.#generation;
    this.#state = "starting";
    this.#stopRequested = false;
    const stopped = new Promise<void>((resolve) => {
      this.#resolveRun = resolve;
    });
    this.#keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS);
    if (this.#installSignalHandlers) this.#signals.install();
    debug("run");
    this.#events
      .fire("startup", {
        atDuring: () => this.#markRunning(),
        live: () => generation === this.#generation,
      })
      .addCallback(() => this.#startupDone(generation));
    return stopped;
  }

  /**
   * Begins shutting down (see the class description); returns at once. Called while the
   * reactor is still starting, the shutdown begins as soon as startup has finished.
   *
   * @throws ReactorNotRunning if the reactor is stopped or already stopping
   */
  stop(): void {
    if (this.#state === "starting" && !this.#stopRequested) {
      this.#stopRequested = true;
      return;
    }
    if (this.#state !== "running") throw new ReactorNotRunning();
    this.#beginShutdown();
  }

  /**
   * Stops at once without firing any system event: `running` turns false, the signal
   * listeners go, and `run()`'s promise resolves. Like Twisted, it leaves ports,
   * connections and delayed calls as they are; an in-progress startup or shutdown is
   * abandoned (its remaining triggers stay registered). The reactor may be run again.
   *
   * @throws ReactorNotRunning if the reactor is stopped
   */
  crash(): void {
    if (this.#state === "stopped") throw new ReactorNotRunning();
    debug("crash");
    this.#generation += 1;
    this.#release();
  }

  /**
   * Runs `fn(...args)` now if the reactor is running (exceptions propagate to the caller)
   * and returns `undefined`; otherwise registers it as an `after startup` trigger (one-shot)
   * and returns its id.
   */
  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    if (this.#running) {
      fn(...args);
      return undefined;
    }
    return this.addSystemEventTrigger("after", "startup", fn, ...args);
  }

  /**
   * Registers `fn(...args)` to run once, in `phase` of the next firing of `event` (the
   * reactor fires `"startup"` and `"shutdown"`). Exceptions it throws are reported.
   *
   * @throws InvalidEventPhaseError for an unknown phase
   */
  addSystemEventTrigger<A extends unknown[]>(phase: EventPhase, event: string, fn: (...args: A) => unknown, ...args: A): TriggerId {
    return this.#events.add(phase, event, fn, args);
  }

  /** Unregisters a trigger. @throws UnknownTriggerError for an id that is not pending */
  removeSystemEventTrigger(id: TriggerId): void {
    this.#events.remove(id);
  }

  /** Fires the three phases of `event` (consuming its triggers); see {@link IReactorCore.fireSystemEvent}. */
  fireSystemEvent(event: string): Deferred<void> {
    return this.#events.fire(event);
  }

  #markRunning(): void {
    this.#state = "running";
    this.#running = true;
    debug("running");
  }

  #startupDone(generation: number): void {
    if (generation !== this.#generation || !this.#stopRequested || this.#state !== "running") return;
    this.#stopRequested = false;
    this.#beginShutdown();
  }

  #beginShutdown(): void {
    const generation = this.#generation;
    this.#state = "stopping";
    this.#signals.remove();
    debug("stopping");
    this.#events
      .fire("shutdown", {
        atDuring: () => {
          this.#running = false;
        },
        afterDuring: () => this.#closeEverything(generation),
        live: () => generation === this.#generation,
      })
      .addCallback(() => {
        if (generation === this.#generation) this.#release();
      });
  }

  async #closeEverything(generation: number): Promise<void> {
    await this.#resources.closeAll(this.#graceSeconds, this.#timeoutSeconds);
    if (generation !== this.#generation) return;
    const cancelled = this.#timers.cancelAll();
    debug("cancelled %d pending delayed call(s)", cancelled);
  }

  /** Back to "stopped": no signal listeners, no keep-alive handle, `run()` resolved. */
  #release(): void {
    this.#state = "stopped";
    this.#running = false;
    this.#stopRequested = false;
    this.#signals.remove();
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    const resolve = this.#resolveRun;
    this.#resolveRun = undefined;
    debug("stopped");
    resolve?.();
  }

  #onSignal(): void {
    if (this.#state !== "running" && this.#state !== "starting") return;
    try {
      this.stop();
    } catch (error) {
      this.reportError(error, "error stopping the reactor on a signal");
    }
  }

  // ---- Transports --------------------------------------------------------------------------

  /** Listens on TCP `port` (0 picks one); see `@torsion/tcp`. @throws CannotListenError */
  listenTCP(port: number, factory: IProtocolFactory, options?: ListenTCPOptions): IListeningPort<IPAddress> {
    return tcp.listenTCP(this, port, factory, options);
  }

  /** Connects to `host:port` over TCP; see `@torsion/tcp`. */
  connectTCP(host: string, port: number, factory: IClientFactory, options?: ConnectTCPOptions): IConnector {
    return tcp.connectTCP(this, host, port, factory, options);
  }

  /**
   * Listens for TLS on TCP `port` (Twisted's `listenSSL`); see `@torsion/tls`.
   * `contextFactory` is a server `CertificateOptions`. @throws CannotListenError, TLSOptionsError
   */
  listenSSL(port: number, factory: IProtocolFactory, contextFactory: object, options?: ListenTCPOptions): IListeningPort {
    return ssl.listenSSL(this, port, factory, contextFactory, options);
  }

  /**
   * Connects with TLS to `host:port` (Twisted's `connectSSL`); see `@torsion/tls`.
   * `contextFactory` is `optionsForClientTLS(...)` or a `CertificateOptions` (then `host` is
   * the name checked). The server's certificate is always verified.
   */
  connectSSL(host: string, port: number, factory: IClientFactory, contextFactory: object, options?: ConnectTCPOptions): IConnector {
    return ssl.connectSSL(this, host, port, factory, contextFactory, options);
  }

  /** Binds UDP `port` for `protocol`; see `@torsion/udp`. @throws CannotListenError */
  listenUDP(port: number, protocol: IDatagramProtocol, options?: ListenUDPOptions): IUDPTransport {
    return udp.listenUDP(this, port, protocol, options);
  }

  /** Binds UDP `port` with multicast controls; see `@torsion/udp`. @throws CannotListenError */
  listenMulticast(port: number, protocol: IDatagramProtocol, options?: ListenMulticastOptions): IMulticastTransport {
    return udp.listenMulticast(this, port, protocol, options);
  }

  /** Listens on the Unix socket `address`; see `@torsion/unix`. @throws CannotListenError */
  listenUNIX(address: string, factory: IProtocolFactory, options?: ListenUNIXOptions): IListeningPort<UNIXAddress> {
    return unix.listenUNIX(this, address, factory, options);
  }

  /** Connects to the Unix socket `address`; see `@torsion/unix`. */
  connectUNIX(address: string, factory: IClientFactory, options?: ConnectUNIXOptions): IConnector {
    return unix.connectUNIX(this, address, factory, options);
  }

  /**
   * Not supported: Node's core APIs cannot open AF_UNIX datagram sockets (`node:dgram` only
   * does UDP over IPv4/IPv6). Use `listenUDP` on 127.0.0.1, or a Unix stream socket.
   *
   * @throws UnsupportedAddressFamily always
   */
  listenUNIXDatagram(address: string, protocol: IDatagramProtocol, options?: ListenUNIXDatagramOptions): never {
    throw unsupportedUnixDatagram("listenUNIXDatagram", address);
  }

  /**
   * Not supported, for the same reason as {@link listenUNIXDatagram}.
   *
   * @throws UnsupportedAddressFamily always
   */
  connectUNIXDatagram(address: string, protocol: IDatagramProtocol, options?: ConnectUNIXDatagramOptions): never {
    throw unsupportedUnixDatagram("connectUNIXDatagram", address);
  }

  /**
   * Starts a child process with Twisted's conventions (`args[0]` is argv[0]; the
   * environment is inherited unless `env` says otherwise); see `@torsion/process`. At
   * `stop()` each child gets SIGTERM, then SIGKILL after `shutdownGraceSeconds`.
   *
   * @throws TypeError, ChildFDError, PTYNotSupportedError for bad arguments
   */
  spawnProcess(protocol: IProcessProtocol, executable: string, args?: readonly string[], options?: SpawnProcessOptions): IProcessTransport {
    return childProcess.spawnProcess(this, protocol, executable, args, options);
  }

  /**
   * The reactor's thread pool (Twisted's `getThreadPool`), created on first use with
   * `min: 0` and `max: os.availableParallelism()` (`pool.adjustPoolsize` changes them). Its
   * idle workers never keep the process alive. At `stop()` it is stopped like a connection:
   * queued tasks fail with `PoolStopped`, running ones get `shutdownGraceSeconds`, and
   * pending `blockingCallFromThread`s fail with `ReactorNotRunning`; the next call after
   * that creates a new pool.
   */
  getThreadPool(): ThreadPool {
    if (this.#threadPool !== undefined && !this.#threadPool.stopping) return this.#threadPool;
    const pool = new ThreadPool({ name: "reactor", reportError: (error, context) => this.reportError(error, context) });
    this.#threadPool = pool;
    this.registerResource({ kind: "connection", shutdown: (grace) => pool.stop(grace) });
    return pool;
  }

  /** Twisted's `suggestThreadPoolSize`: `getThreadPool().adjustPoolsize(undefined, size)`. */
  suggestThreadPoolSize(size: number): void {
    this.getThreadPool().adjustPoolsize(undefined, size);
  }
}
