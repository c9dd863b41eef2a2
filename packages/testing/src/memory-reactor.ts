import type { Deferred } from "@torsion/defer";
import {
  CannotListenError,
  ReactorAlreadyRunning,
  ReactorNotRunning,
  UNIXAddress,
  ipAddress,
  type ConnectTCPOptions,
  type ConnectUNIXOptions,
  type EventPhase,
  type IClientFactory,
  type IDatagramProtocol,
  type IDelayedCall,
  type IPAddress,
  type IProtocolFactory,
  type IReactorCore,
  type IReactorTCP,
  type IReactorTime,
  type IReactorUDP,
  type IReactorUNIX,
  type IProcessProtocol,
  type IProcessTransport,
  type IReactorProcess,
  type IReactorSSL,
  type ConnectSSLOptions,
  type ListenSSLOptions,
  type SpawnProcessOptions,
  type IUDPTransport,
  type ListenTCPOptions,
  type ListenUDPOptions,
  type ListenUNIXOptions,
  type TriggerId,
} from "@torsion/core";
import { Clock } from "./clock.js";
import { SystemEventTriggers, type TriggerRecord } from "./system-event-triggers.js";
import { FakeConnector } from "./fake-connector.js";
import { FakeDatagramTransport } from "./fake-datagram-transport.js";
import { FakeListeningPort } from "./fake-listening-port.js";
import { FakeProcessTransport, type ProcessRecord } from "./fake-process-transport.js";

/** A `listenTCP` call recorded by {@link MemoryReactor}. */
export interface TCPServerRecord {
  readonly port: number;
  readonly factory: IProtocolFactory;
  readonly backlog: number;
  readonly interface: string;
}

/** A `connectTCP` call recorded by {@link MemoryReactor}. */
export interface TCPClientRecord {
  readonly host: string;
  readonly port: number;
  readonly factory: IClientFactory;
  readonly timeout: number;
  readonly bindAddress: readonly [host: string, port: number] | null;
}

/** A `listenSSL` call recorded by {@link MemoryReactor} (Twisted's `sslServers` entries). */
export interface SSLServerRecord extends TCPServerRecord {
  /** The context factory as given (not inspected: no TLS runs in memory). */
  readonly contextFactory: object;
}

/** A `connectSSL` call recorded by {@link MemoryReactor} (Twisted's `sslClients` entries). */
export interface SSLClientRecord extends TCPClientRecord {
  /** The context factory as given (not inspected: no TLS runs in memory). */
  readonly contextFactory: object;
}

/** A `listenUDP` call recorded by {@link MemoryReactor}. */
export interface UDPPortRecord {
  readonly port: number;
  readonly protocol: IDatagramProtocol;
  readonly interface: string;
  readonly maxPacketSize: number;
}

/** A `listenUNIX` call recorded by {@link MemoryReactor}. */
export interface UNIXServerRecord {
  readonly address: string;
  readonly factory: IProtocolFactory;
  readonly backlog: number;
  readonly mode: number;
  readonly wantPID: boolean;
}

/** A `connectUNIX` call recorded by {@link MemoryReactor}. */
export interface UNIXClientRecord {
  readonly address: string;
  readonly factory: IClientFactory;
  readonly timeout: number;
  readonly checkPID: boolean;
}

/** Fake ports handed out for port 0 start here. */
const FIRST_FAKE_PORT = 40000;

/**
 * A reactor that records instead of doing any I/O, as Twisted's `MemoryReactor` (plus
 * UDP). Every `listen*`/`connect*` call is appended to the matching record list, in call
 * order; the tests then inspect the records and drive the factories themselves (see
 * `ConnectionCompleter`).
 *
 * - `listenTCP`/`listenUNIX` return a {@link FakeListeningPort} (the factory's `doStart`
 *   runs; port 0 is replaced by a fake port number in `getHost()`).
 * - `listenSSL`/`connectSSL` record like `listenTCP`/`connectTCP` (into {@link sslServers}
 *   and {@link sslClients}, with the context factory, which is not inspected) and return
 *   the same fakes; no TLS runs, so a test drives the recorded factory in memory (wrapping
 *   it in `@torsion/tls`'s `TLSMemoryBIOFactory` to run real TLS without sockets).
 * - `connectTCP`/`connectUNIX` return a {@link FakeConnector} in state `"connecting"`,
 *   also appended to {@link connectors}, after starting the factory (`doStart`) and
 *   calling its `startedConnecting`.
 * - `listenUDP` returns a {@link FakeDatagramTransport} and calls
 *   `protocol.makeConnection` with it.
 * - System events follow the reactor contract, as `NodeReactor`: triggers are one-shot,
 *   `during` waits for Deferreds returned by `before` triggers, a throwing trigger is
 *   reported (through `@torsion/defer`'s `reportError`) and the firing goes on, unknown
 *   ids throw `UnknownTriggerError` and unknown phases `InvalidEventPhaseError`.
 * - `run()` fires `startup` (`running` turns true in its `during` phase, and the
 *   `callWhenRunning` callbacks run as `after startup` triggers), then, unless a callback
 *   stopped it already, stops at once as Twisted's does. `stop()` fires `shutdown`
 *   (`running` turns false in its `during` phase). Nothing else happens on stop: no port
 *   or connection is closed, since none is real.
 */
export class MemoryReactor implements IReactorCore, IReactorTCP, IReactorSSL, IReactorUDP, IReactorUNIX, IReactorProcess {
  readonly tcpServers: TCPServerRecord[] = [];
  readonly tcpClients: TCPClientRecord[] = [];
  readonly sslServers: SSLServerRecord[] = [];
  readonly sslClients: SSLClientRecord[] = [];
  readonly udpPorts: UDPPortRecord[] = [];
  readonly unixServers: UNIXServerRecord[] = [];
  readonly unixClients: UNIXClientRecord[] = [];
  /** Every connector returned by `connectTCP`/`connectSSL`/`connectUNIX`, in order. */
  readonly connectors: FakeConnector[] = [];
  /** Every port returned by `listenTCP`/`listenSSL`/`listenUNIX`, in order. */
  readonly ports: FakeListeningPort[] = [];
  /** Every `spawnProcess` call, in order, with the fake transport it returned. */
  readonly processes: ProcessRecord[] = [];
  hasRun = false;
  hasStopped = false;
  hasCrashed = false;
  readonly #events = new SystemEventTriggers();
  #running = false;
  #stopping = false;
  #nextFakePort = FIRST_FAKE_PORT;

  get running(): boolean {
    return this.#running;
  }

  /** The system-event triggers still pending (a copy), `callWhenRunning` ones included. */
  get triggers(): TriggerRecord[] {
    return this.#events.pending();
  }

  /**
   * Fires `startup`, runs the `callWhenRunning` callbacks, and stops (firing `shutdown`)
   * unless a callback stopped the reactor already. The promise resolves once the reactor
   * has stopped.
   *
   * @throws ReactorAlreadyRunning when called while running (from a hook)
   */
  run(): Promise<void> {
    if (this.#running || this.#stopping) throw new ReactorAlreadyRunning();
    this.hasRun = true;
    const started = this.#events.fire("startup", {
      atDuring: () => {
        this.#running = true;
      },
    });
    return new Promise<void>((resolve) => {
      started.addCallback(() => {
        if (this.#running && !this.#stopping) this.stop();
        resolve();
      });
    });
  }

  /**
   * Fires `shutdown`: `before` triggers, then `running` turns false, then `during` and
   * `after` triggers.
   *
   * @throws ReactorNotRunning when not running (or already stopping)
   */
  stop(): void {
    if (!this.#running || this.#stopping) throw new ReactorNotRunning();
    this.#stopping = true;
    this.hasStopped = true;
    this.#events
      .fire("shutdown", {
        atDuring: () => {
          this.#running = false;
        },
      })
      .addCallback(() => {
        this.#stopping = false;
      });
  }

  /** Marks the reactor crashed and stopped, firing nothing (no error when not running). */
  crash(): void {
    this.hasCrashed = true;
    this.#running = false;
    this.#stopping = false;
  }

  /**
   * Runs `fn` now when running (returning `undefined`); otherwise registers it as an
   * `after startup` trigger and returns its id.
   */
  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    if (this.#running) {
      fn(...args);
      return undefined;
    }
    return this.addSystemEventTrigger("after", "startup", fn, ...args);
  }

  /**
   * Registers a one-shot trigger and returns its id.
   *
   * @throws InvalidEventPhaseError for an unknown phase
   * @throws TypeError when `fn` is not a function
   */
  addSystemEventTrigger<A extends unknown[]>(phase: EventPhase, event: string, fn: (...args: A) => unknown, ...args: A): TriggerId {
    return this.#events.add(phase, event, fn, args);
  }

  /** Forgets a pending trigger. @throws UnknownTriggerError for an id that is not pending */
  removeSystemEventTrigger(id: TriggerId): void {
    this.#events.remove(id);
  }

  /**
   * Runs the `before`, `during` and `after` triggers of `event` (consuming them); the
   * Deferred fires after the `after` triggers.
   */
  fireSystemEvent(event: string): Deferred<void> {
    return this.#events.fire(event);
  }

  /**
   * Records the call and returns a {@link FakeProcessTransport} connected to `protocol`
   * (its `connectionMade` runs now, as inside a real `spawnProcess`); play the child
   * through `processes[i].transport`.
   */
  spawnProcess(
    protocol: IProcessProtocol,
    executable: string,
    args: readonly string[] = [executable],
    options: SpawnProcessOptions = {},
  ): IProcessTransport {
    const transport = new FakeProcessTransport(protocol, options.childFDs === undefined ? {} : { childFDs: options.childFDs });
    this.processes.push({ protocol, executable, args: [...args], options, transport });
    return transport;
  }

  /**
   * Records the call; returns a listening fake port.
   *
   * @throws CannotListenError for a port outside 0..65535, as the real reactor (nothing is recorded)
   */
  listenTCP(port: number, factory: IProtocolFactory, options: ListenTCPOptions = {}): FakeListeningPort<IPAddress> {
    const record = { port, factory, backlog: options.backlog ?? 50, interface: options.interface ?? "" };
    checkPort(record.interface, port);
    this.tcpServers.push(record);
    return this.#listening(record);
  }

  /** Records the call and returns a connecting fake connector. */
  connectTCP(host: string, port: number, factory: IClientFactory, options: ConnectTCPOptions = {}): FakeConnector {
    this.tcpClients.push({ host, port, factory, timeout: options.timeout ?? 30, bindAddress: options.bindAddress ?? null });
    return this.#connector(new FakeConnector(ipAddress("TCP", host, port), factory));
  }

  /**
   * Records the call (with `contextFactory`, not inspected) and returns a listening fake port.
   *
   * @throws CannotListenError for a port outside 0..65535 (nothing is recorded)
   */
  listenSSL(port: number, factory: IProtocolFactory, contextFactory: object, options: ListenSSLOptions = {}): FakeListeningPort<IPAddress> {
    const record = { port, factory, contextFactory, backlog: options.backlog ?? 50, interface: options.interface ?? "" };
    checkPort(record.interface, port);
    this.sslServers.push(record);
    return this.#listening(record);
  }

  /** Records the call (with `contextFactory`, not inspected) and returns a connecting fake connector. */
  connectSSL(host: string, port: number, factory: IClientFactory, contextFactory: object, options: ConnectSSLOptions = {}): FakeConnector {
    this.sslClients.push({ host, port, factory, contextFactory, timeout: options.timeout ?? 30, bindAddress: options.bindAddress ?? null });
    return this.#connector(new FakeConnector(ipAddress("TCP", host, port), factory));
  }

  #listening(record: TCPServerRecord): FakeListeningPort<IPAddress> {
    const host = record.interface === "" ? "0.0.0.0" : record.interface;
    const listening = new FakeListeningPort(ipAddress("TCP", host, this.#portFor(record.port)), record.factory);
    this.ports.push(listening);
    return listening;
  }

  /** Records the call, connects `protocol` to a fake datagram transport and returns it. */
  listenUDP(port: number, protocol: IDatagramProtocol, options: ListenUDPOptions = {}): IUDPTransport {
    const iface = options.interface ?? "";
    const maxPacketSize = options.maxPacketSize ?? 8192;
    this.udpPorts.push({ port, protocol, interface: iface, maxPacketSize });
    const host = ipAddress("UDP", iface === "" ? "0.0.0.0" : iface, this.#portFor(port));
    const transport = new FakeDatagramTransport({ host, protocol, maxPacketSize });
    protocol.makeConnection(transport);
    return transport;
  }

  /** Records the call; returns a listening fake port. */
  listenUNIX(address: string, factory: IProtocolFactory, options: ListenUNIXOptions = {}): FakeListeningPort<UNIXAddress> {
    this.unixServers.push({
      address,
      factory,
      backlog: options.backlog ?? 50,
      mode: options.mode ?? 0o666,
      wantPID: options.wantPID ?? false,
    });
    const listening = new FakeListeningPort(new UNIXAddress(address), factory);
    this.ports.push(listening);
    return listening;
  }

  /** Records the call and returns a connecting fake connector. */
  connectUNIX(address: string, factory: IClientFactory, options: ConnectUNIXOptions = {}): FakeConnector {
    this.unixClients.push({ address, factory, timeout: options.timeout ?? 30, checkPID: options.checkPID ?? false });
    return this.#connector(new FakeConnector(new UNIXAddress(address), factory));
  }

  #connector(connector: FakeConnector): FakeConnector {
    this.connectors.push(connector);
    connector.begin();
    return connector;
  }

  #portFor(port: number): number {
    return port === 0 ? this.#nextFakePort++ : port;
  }
}

/**
 * A {@link MemoryReactor} that is also a {@link Clock} (Twisted's `MemoryReactorClock`):
 * `callLater` and friends run on an internal Clock driven by {@link advance}.
 */
export class MemoryReactorClock extends MemoryReactor implements IReactorTime {
  /** The clock behind `seconds`/`callLater`/`advance`. */
  readonly clock = new Clock();

  seconds(): number {
    return this.clock.seconds();
  }

  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): IDelayedCall {
    return this.clock.callLater(delay, fn, ...args);
  }

  getDelayedCalls(): IDelayedCall[] {
    return this.clock.getDelayedCalls();
  }

  /** See `Clock.advance`. */
  advance(amount: number): void {
    this.clock.advance(amount);
  }

  /** See `Clock.pump`. */
  pump(amounts: Iterable<number>): void {
    this.clock.pump(amounts);
  }
}

function checkPort(iface: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CannotListenError(iface, port, new RangeError(`port must be an integer from 0 to 65535, not ${String(port)}`));
  }
}
