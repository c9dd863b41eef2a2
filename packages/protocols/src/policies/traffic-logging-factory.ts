import { closeSync, openSync, writeSync } from "node:fs";
import createDebug from "debug";
import type { IAddress, IProtocol, IProtocolFactory } from "@torsion/core";
import type { Failure } from "@torsion/defer";
import { InvalidPolicyOptionError } from "./errors.js";
import { ProtocolWrapper } from "./protocol-wrapper.js";
import { WrappingFactory } from "./wrapping-factory.js";

const debug = createDebug("torsion:protocols:traffic-logging-factory");

/** Where one connection's log lines go. */
export interface TrafficLog {
  /** Receives one line (without a newline), in the order events happen. */
  write(line: string): void;
  /** Called once, right after the connection-lost line. Optional. */
  close?(): void;
}

/** Opens the log of connection number `connectionNumber` (1, 2, ...). Called once per connection. */
export type TrafficLogOpener = (connectionNumber: number) => TrafficLog;

/** Options of {@link TrafficLoggingFactory}: give `logfilePrefix` or `openLog`. */
export interface TrafficLoggingOptions {
  /**
   * Writes each connection's log to the file `<logfilePrefix>-<n>` (created or truncated,
   * written synchronously, closed after the connection is lost), as Twisted does.
   */
  readonly logfilePrefix?: string;
  /** An injectable log writer per connection (tests use it to log into memory). Wins over `logfilePrefix`. */
  readonly openLog?: TrafficLogOpener;
  /**
   * Data longer than this many bytes is logged as its first `lengthLimit - 12` bytes plus
   * `<... elided>`; `null` logs everything.
   * @default null
   */
  readonly lengthLimit?: number | null;
}

/** A {@link TrafficLogOpener} that writes `<prefix>-<n>` files with `node:fs`. */
export function fileTrafficLogOpener(prefix: string): TrafficLogOpener {
  return (connectionNumber) => {
    const fd = openSync(`${prefix}-${connectionNumber}`, "w");
    let open = true;
    return {
      write: (line) => {
        if (open) writeSync(fd, `${line}\n`);
      },
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
  };
}

/**
 * Renders bytes like Python's `repr` of a byte string (`b'GET /\r\n'`), which is how
 * Twisted's traffic logs print data.
 */
export function bytesRepr(data: Uint8Array): string {
  let text = "";
  for (const byte of data) {
    if (byte === 0x5c) text += "\\\\";
    else if (byte === 0x27) text += "\\'";
    else if (byte === 0x09) text += "\\t";
    else if (byte === 0x0a) text += "\\n";
    else if (byte === 0x0d) text += "\\r";
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `b'${text}'`;
}

const ELIDED = Buffer.from("<... elided>");

/**
 * Logs one connection's traffic, in Twisted's format: `*` when the connection is made,
 * `C n: <data>` for data received, `S n: <data>` for a write, `SV n: [<data>, ...]` for a
 * writeSequence, `S n: *` for `loseConnection`, `S n: !` for `abortConnection`, and
 * `C n: <reason>` when the connection is lost (then the log is closed).
 */
export class TrafficLoggingProtocol extends ProtocolWrapper {
  readonly #log: TrafficLog;
  readonly #lengthLimit: number | null;
  readonly #number: number;

  constructor(
    factory: TrafficLoggingFactory,
    wrappedProtocol: IProtocol,
    log: TrafficLog,
    lengthLimit: number | null,
    connectionNumber: number,
  ) {
    super(factory, wrappedProtocol);
    this.#log = log;
    this.#lengthLimit = lengthLimit;
    this.#number = connectionNumber;
  }

  /** Logs `*`; runs inside `makeConnection`, before the wrapped protocol is connected. */
  override connectionMade(): void {
    this.#log.write("*");
  }

  override dataReceived(data: Buffer): void {
    this.#log.write(`C ${this.#number}: ${this.#repr(data)}`);
    super.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this.#log.write(`C ${this.#number}: ${String(reason)}`);
    try {
      super.connectionLost(reason);
    } finally {
      this.#log.close?.();
    }
  }

  override write(data: Uint8Array): void {
    this.#log.write(`S ${this.#number}: ${this.#repr(data)}`);
    super.write(data);
  }

  override writeSequence(data: Iterable<Uint8Array>): void {
    const chunks = Array.from(data);
    this.#log.write(`SV ${this.#number}: [${chunks.map((c) => this.#repr(c)).join(", ")}]`);
    super.writeSequence(chunks);
  }

  override loseConnection(): void {
    this.#log.write(`S ${this.#number}: *`);
    super.loseConnection();
  }

  override abortConnection(): void {
    this.#log.write(`S ${this.#number}: !`);
    super.abortConnection();
  }

  #repr(data: Uint8Array): string {
    const limit = this.#lengthLimit;
    if (limit !== null && limit > 0 && data.byteLength > limit) {
      const head = data.subarray(0, Math.max(0, limit - ELIDED.length));
      return bytesRepr(Buffer.concat([head, ELIDED]));
    }
    return bytesRepr(data);
  }
}

/**
 * Logs every connection's traffic to its own log (Twisted's `TrafficLoggingFactory`):
 * connections are numbered from 1 in `buildProtocol` order (see {@link resetCounter}),
 * and each gets a log from `openLog`, or the file `<logfilePrefix>-<n>`.
 */
export class TrafficLoggingFactory extends WrappingFactory {
  readonly lengthLimit: number | null;
  readonly #openLog: TrafficLogOpener;
  #counter = 0;

  constructor(wrappedFactory: IProtocolFactory, options: TrafficLoggingOptions) {
    super(wrappedFactory);
    if (options.openLog !== undefined) this.#openLog = options.openLog;
    else if (options.logfilePrefix !== undefined) this.#openLog = fileTrafficLogOpener(options.logfilePrefix);
    else throw new InvalidPolicyOptionError("TrafficLoggingFactory needs logfilePrefix or openLog");
    this.lengthLimit = options.lengthLimit ?? null;
  }

  /** How many connections have been numbered since the last {@link resetCounter}. */
  get counter(): number {
    return this.#counter;
  }

  /** Restarts connection numbering at 1. */
  resetCounter(): void {
    this.#counter = 0;
  }

  protected override wrapProtocol(inner: IProtocol, addr: IAddress): ProtocolWrapper {
    this.#counter++;
    debug("logging connection %d from %s", this.#counter, String(addr));
    return new TrafficLoggingProtocol(this, inner, this.#openLog(this.#counter), this.lengthLimit, this.#counter);
  }
}
