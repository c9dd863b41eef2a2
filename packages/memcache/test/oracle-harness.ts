/**
 * Replays the Twisted 22.4 `memcache` oracle vectors (test/fixtures/twisted-oracle/memcache.json,
 * format in the oracle's FORMAT-wave2.md §5) against MemCacheProtocol on a recording
 * StringTransport and a Clock, and works out what Torsion must do where it deviates
 * from Twisted on purpose (each rule below; the ids are listed in the package README).
 */
import { readFileSync } from "node:fs";
import { ConnectionDone } from "@torsion/core";
import { Failure, type Deferred } from "@torsion/defer";
import { MemCacheProtocol } from "@torsion/memcache";
import { Clock, StringTransport } from "@torsion/testing";

export type OracleEvent = [string, ...unknown[]];
type Op = [string, ...unknown[]];

export interface MemcacheVector {
  readonly id: string;
  readonly kind: "valid" | "error";
  readonly category: string;
  readonly config: { readonly timeOut: number | null };
  readonly ops: Op[];
  readonly events: OracleEvent[];
  readonly opEventEnds: number[];
  readonly final: { time: number; pending: number[]; outstanding: number; lineMode: number; connected: number };
}

/** Loads one suite by name from the repository's fixture copy. */
export function loadSuite(suite: string): MemcacheVector[] {
  const url = new URL(`../../../test/fixtures/twisted-oracle/${suite}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, "utf8")) as { suite: string; vectors: MemcacheVector[] };
  if (parsed.suite !== suite) throw new Error(`fixture ${suite}.json holds suite ${parsed.suite}`);
  return parsed.vectors;
}

/** Torsion's deviations from Twisted, toward safety. */
export const Deviation = {
  /** A malformed reply: Twisted raises out of dataReceived (one Deferred may never fire); Torsion fails every pending command and closes. */
  malformedFailsAll: "malformed-fails-all",
  /** An over-long line: Twisted closes and leaves commands pending until connectionLost; Torsion fails them at once with LineTooLongError. */
  overlongFailsAll: "overlong-fails-all",
  /** The timeout survives connectionLost in Twisted (it later calls loseConnection on a dead transport); Torsion cancels it. */
  timerCancelledOnLost: "timer-cancelled-on-lost",
} as const;
export type Deviation = (typeof Deviation)[keyof typeof Deviation];

/** Twisted's exception names for Torsion's errors. */
const TWISTED_NAMES: Record<string, string> = {
  InvalidKeyError: "ClientError",
  InvalidArgumentError: "ClientError",
  MemcacheNotConnectedError: "RuntimeError",
};
/** Torsion errors standing for a Twisted `raises` (any Python parser exception). */
export const PROTOCOL_ERRORS = new Set(["MalformedReplyError", "LineTooLongError", "ValueTooLargeError"]);

class RecordingTransport extends StringTransport {
  constructor(readonly events: OracleEvent[]) {
    super();
  }
  override write(data: Uint8Array): void {
    this.events.push(["write", Buffer.from(data).toString("base64")]);
  }
  override writeSequence(data: Iterable<Uint8Array>): void {
    this.events.push(["write", Buffer.concat([...data]).toString("base64")]);
  }
  override loseConnection(): void {
    this.events.push(["loseConnection"]);
    super.loseConnection();
  }
}

function arg(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(arg);
  if (value !== null && typeof value === "object") {
    const tagged = value as { b?: string; s?: string; int?: string };
    if (tagged.b !== undefined) return Buffer.from(tagged.b, "base64");
    if (tagged.s !== undefined) return tagged.s;
    if (tagged.int !== undefined) return BigInt(tagged.int);
  }
  return value;
}

const b64 = (bytes: Buffer): string => bytes.toString("base64");

/** A result as the oracle's tagged value (`tv`). */
export function tagged(value: unknown, method: string): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "bigint" || typeof value === "number") return { int: String(value) };
  if (Buffer.isBuffer(value)) return { bytes: b64(value) };
  if (typeof value === "string") return { bytes: b64(Buffer.from(value, "latin1")) };
  if (Array.isArray(value)) return { tuple: value.map((v) => tagged(v, method)) };
  if (value instanceof Map)
    return { dict: [...value].map(([k, v]) => [tagged(typeof k === "string" ? Buffer.from(k, "latin1") : k, method), tagged(v, method)]) };
  throw new Error(`unexpected result of type ${typeof value}`);
}

const METHODS: Record<string, (p: MemCacheProtocol, a: Record<string, unknown>) => Deferred<unknown>> = {
  get: (p, a) => p.get(a.key as Buffer, (a.withIdentifier ?? false) as boolean),
  getMultiple: (p, a) => p.getMultiple(a.keys as Buffer[], (a.withIdentifier ?? false) as boolean),
  set: (p, a) => p.set(a.key as Buffer, a.val as Buffer, (a.flags ?? 0) as number, (a.expireTime ?? 0) as number),
  add: (p, a) => p.add(a.key as Buffer, a.val as Buffer, (a.flags ?? 0) as number, (a.expireTime ?? 0) as number),
  replace: (p, a) => p.replace(a.key as Buffer, a.val as Buffer, (a.flags ?? 0) as number, (a.expireTime ?? 0) as number),
  append: (p, a) => p.append(a.key as Buffer, a.val as Buffer),
  prepend: (p, a) => p.prepend(a.key as Buffer, a.val as Buffer),
  checkAndSet: (p, a) =>
    p.checkAndSet(a.key as Buffer, a.val as Buffer, a.cas as Buffer, (a.flags ?? 0) as number, (a.expireTime ?? 0) as number),
  increment: (p, a) => p.increment(a.key as Buffer, (a.val ?? 1) as number),
  decrement: (p, a) => p.decrement(a.key as Buffer, (a.val ?? 1) as number),
  delete: (p, a) => p.delete(a.key as Buffer),
  flushAll: (p) => p.flushAll(),
  stats: (p, a) => p.stats((a.arg ?? null) as Buffer | null),
  version: (p) => p.version(),
};

export interface ReplayResult {
  /** Per op: [Torsion's events, the events Torsion must produce]. */
  readonly ops: { op: Op; actual: OracleEvent[]; expected: OracleEvent[] }[];
  readonly finalActual: Record<string, unknown>;
  readonly finalExpected: Record<string, unknown>;
  readonly deviations: Set<Deviation>;
}

/** Replays one vector under `compat: "twisted"`. */
export function replay(vector: MemcacheVector): ReplayResult {
  const events: OracleEvent[] = [];
  const clock = new Clock();
  const timeOut = vector.config.timeOut;
  const protocol = new MemCacheProtocol({ clock, compat: "twisted", coalesceWrites: false, ...(timeOut === null ? {} : { timeOut }) });
  const transport = new RecordingTransport(events);
  protocol.makeConnection(transport);
  const deviations = new Set<Deviation>();
  const outstanding: number[] = [];
  const ops: ReplayResult["ops"] = [];
  const flags = { skipLineMode: false, overlong: false };
  let start = 0;
  vector.ops.forEach((op, index) => {
    const end = vector.opEventEnds[index] as number;
    const twisted = vector.events.slice(start, end);
    start = end;
    const before = events.length;
    let expected = twisted;
    if (op[0] === "call") {
      const [, callId, method, args] = op as [string, number, string, Record<string, unknown>];
      const converted = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, arg(v)]));
      const run = METHODS[method];
      if (run === undefined) throw new Error(`unknown method ${method}`);
      const deferred = run(protocol, converted);
      deferred.addCallbacks(
        (result) => void events.push(["result", callId, tagged(result, method)]),
        (failure: Failure) => {
          const error = failure.value;
          events.push(["failure", callId, TWISTED_NAMES[error.name] ?? error.name, error.message]);
        },
      );
    } else if (op[0] === "data") {
      for (const chunk of op[1] as string[]) protocol.dataReceived(Buffer.from(chunk, "base64"));
      const raised = twisted.findIndex((e) => e[0] === "raises");
      const lost = twisted.findIndex((e) => e[0] === "loseConnection");
      if (raised >= 0) {
        deviations.add(Deviation.malformedFailsAll);
        flags.skipLineMode = true;
        const settledBefore = settled(twisted.slice(0, raised));
        const pendingIds = outstanding.filter((id) => !settledBefore.has(id));
        expected = [
          ...twisted.slice(0, raised),
          ...pendingIds.map((id) => ["failure", id, "*protocol*"] as OracleEvent),
          ["loseConnection"],
        ];
        // Twisted's harness calls connectionLost after a raise; a real transport does after loseConnection.
        protocol.connectionLost(new Failure(new ConnectionDone()));
      } else if (lost >= 0) {
        deviations.add(Deviation.overlongFailsAll);
        flags.overlong = true;
        flags.skipLineMode = true;
        const settledBefore = settled(twisted.slice(0, lost));
        const pendingIds = outstanding.filter((id) => !settledBefore.has(id));
        expected = [
          ...twisted.slice(0, lost),
          ...pendingIds.map((id) => ["failure", id, "*protocol*"] as OracleEvent),
          ...twisted.slice(lost),
        ];
      }
    } else if (op[0] === "advance") {
      clock.advance(op[1] as number);
      if (protocol.disconnected && twisted.some((e) => e[0] === "loseConnection")) {
        deviations.add(Deviation.timerCancelledOnLost);
        expected = twisted.filter((e) => e[0] !== "loseConnection");
      }
    } else if (op[0] === "lost") {
      protocol.connectionLost(new Failure(new ConnectionDone()));
    } else {
      throw new Error(`unknown op ${op[0]}`);
    }
    const actual = events.slice(before);
    if (op[0] === "call") outstanding.push((op as [string, number])[1]);
    for (const id of settled(actual)) {
      const at = outstanding.indexOf(id);
      if (at >= 0) outstanding.splice(at, 1);
    }
    ops.push({ op, actual, expected });
  });
  const final = vector.final;
  const disconnected = protocol.disconnected;
  if (disconnected && final.pending.length > 0) deviations.add(Deviation.timerCancelledOnLost);
  const finalExpected: Record<string, unknown> = {
    time: final.time,
    pending: disconnected || flags.overlong ? [] : final.pending,
    outstanding: flags.overlong ? 0 : final.outstanding,
    connected: final.connected,
  };
  const finalActual: Record<string, unknown> = {
    time: clock.seconds(),
    pending: clock.getDelayedCalls().map((call) => call.getTime()),
    outstanding: protocol.pendingCount,
    connected: disconnected ? 0 : 1,
  };
  if (!flags.skipLineMode) {
    finalExpected.lineMode = final.lineMode;
    finalActual.lineMode = protocol.lineMode ? 1 : 0;
  }
  return { ops, finalActual, finalExpected, deviations };
}

function settled(events: OracleEvent[]): Set<number> {
  return new Set(events.filter((e) => e[0] === "result" || e[0] === "failure").map((e) => e[1] as number));
}

/** Replaces Torsion's protocol-error failures by the placeholder the expectation uses. */
export function normalise(events: OracleEvent[]): OracleEvent[] {
  return events.map((e) => (e[0] === "failure" && PROTOCOL_ERRORS.has(e[2] as string) ? ["failure", e[1], "*protocol*"] : e));
}
