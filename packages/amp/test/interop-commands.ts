/**
 * The interop command set, mirroring test/peers/amp_peer.py: the same names, types and
 * responder semantics, so a Torsion server can answer the Python client and a Torsion
 * client can check the Python server's answers.
 */
import { posix } from "node:path";
import {
  AMP,
  AmpDateTime,
  AmpDecimal,
  AmpList,
  BigInteger,
  Boolean,
  Bytes,
  Command,
  DateTime,
  Decimal,
  Float,
  ListOf,
  Path,
  Unicode,
  type InputOf,
  type OutputOf,
  type Schema,
  type AmpDateTimeFields,
} from "@torsion/amp";

export class BadInput extends Error {}
export class Fatal extends Error {}

const record = { name: Unicode(), n: BigInteger(), note: Unicode({ optional: true }) };

export const Sum = Command.define({
  commandName: "Sum",
  arguments: { a: BigInteger(), b: BigInteger() },
  response: { total: BigInteger() },
});
export const Concat = Command.define({ commandName: "Concat", arguments: { a: Bytes(), b: Bytes() }, response: { value: Bytes() } });
export const Reverse = Command.define({ commandName: "Reverse", arguments: { text: Unicode() }, response: { text: Unicode() } });
export const Negate = Command.define({ commandName: "Negate", arguments: { flag: Boolean() }, response: { flag: Boolean() } });
export const Scale = Command.define({ commandName: "Scale", arguments: { x: Float(), factor: Float() }, response: { value: Float() } });
export const DecimalEcho = Command.define({
  commandName: "DecimalEcho",
  arguments: { d: Decimal() },
  response: { d: Decimal(), text: Unicode() },
});
export const ToUTC = Command.define({ commandName: "ToUTC", arguments: { at: DateTime() }, response: { at: DateTime(), utc: DateTime() } });
export const Stats = Command.define({
  commandName: "Stats",
  arguments: { values: ListOf(BigInteger()) },
  response: { count: BigInteger(), total: BigInteger(), reversed: ListOf(BigInteger()) },
});
export const Records = Command.define({
  commandName: "Records",
  arguments: { items: AmpList(record) },
  response: { items: AmpList(record) },
});
export const Child = Command.define({ commandName: "Child", arguments: { path: Path() }, response: { path: Path() } });
export const Greet = Command.define({
  commandName: "Greet",
  arguments: { name: Unicode(), title: Unicode({ optional: true }) },
  response: { text: Unicode() },
});
export const Fail = Command.define({
  commandName: "Fail",
  arguments: { kind: Unicode() },
  errors: { BAD_INPUT: BadInput },
  fatalErrors: { FATAL: Fatal },
});
export const Notify = Command.define({ commandName: "Notify", arguments: { text: Unicode() }, requiresAnswer: false });
export const Count = Command.define({ commandName: "Count", response: { count: BigInteger(), last: Unicode({ optional: true }) } });
export const Slow = Command.define({
  commandName: "Slow",
  arguments: { ms: BigInteger(), tag: BigInteger() },
  response: { tag: BigInteger() },
});
/** A command the Python server does not know. */
export const Missing = Command.define({ commandName: "Missing" });

/** The fields of `at` as a plain object, named one by one (a spread of the instance would copy whatever own properties it has). */
function fieldsOf(at: AmpDateTime): AmpDateTimeFields {
  const { year, month, day, hour, minute, second, microsecond, offsetMinutes } = at;
  return { year, month, day, hour, minute, second, microsecond, offsetMinutes };
}

/** UTC with the same microseconds (offsets are whole minutes). */
export function toUTC(at: AmpDateTime): AmpDateTime {
  return new AmpDateTime({ ...fieldsOf(AmpDateTime.fromDate(at.toDate(), 0)), microsecond: at.microsecond });
}

// Array.from iterates code points, as Python's str does: that is what the peer reverses.
export const reverseText = (text: string): string => Array.from(text).reverse().join("");

/** Registers the interop responders on `amp` (the semantics of the Python `Server`). */
export function serveInterop(amp: AMP, setTimer: (ms: number, fn: () => void) => void): AMP {
  let notified = 0n;
  let last: string | null = null;
  return (
    amp
      .responder(Sum, ({ a, b }) => ({ total: a + b }))
      .responder(Concat, ({ a, b }) => ({ value: Buffer.concat([a, b]) }))
      .responder(Reverse, ({ text }) => ({ text: reverseText(text) }))
      .responder(Negate, ({ flag }) => ({ flag: !flag }))
      .responder(Scale, ({ x, factor }) => ({ value: x * factor }))
      .responder(DecimalEcho, ({ d }) => ({ d, text: d.toString() }))
      .responder(ToUTC, ({ at }) => ({ at, utc: toUTC(at) }))
      .responder(Stats, ({ values }) => ({
        count: BigInt(values.length),
        total: values.reduce((s, v) => s + v, 0n),
        reversed: [...values].reverse(),
      }))
      .responder(Records, ({ items }) => ({ items: [...items].reverse().map((item) => ({ ...item, n: item.n + 1n })) }))
      .responder(Child, ({ path }) => ({ path: posix.join(path, "x") }))
      // `||`, not `??`: an empty title becomes "dear", as the Python peer's `title or "dear"`
      // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
      .responder(Greet, ({ name, title }) => ({ text: `${title || "dear"} ${name}` }))
      .responder(Fail, ({ kind }) => {
        if (kind === "bad") throw new BadInput(`bad input: ${kind}`);
        if (kind === "fatal") throw new Fatal(`fatal: ${kind}`);
        if (kind === "unknown") throw new RangeError("undeclared");
        return {};
      })
      .responder(Notify, ({ text }) => {
        notified += 1n;
        last = text;
        return {};
      })
      .responder(Count, () => ({ count: notified, last }))
      .responder(Slow, ({ ms, tag }) => new Promise((resolve) => setTimer(Number(ms), () => resolve({ tag }))))
  );
}

/** mulberry32: a small seeded generator. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One entry per code point (the astral ones included), as Python indexes str.
const TEXT = Array.from("aZ09 \t\n\u00e9\u00df\u4e2d\u6587\u202e\ufeff\uffff\u{1f600}\u{1f680}\x00");

/** One planned call: the command, its arguments, and a check of the decoded answer. */
export interface PlannedCall {
  readonly command: Command<Schema, Schema, true>;
  readonly args: InputOf<Schema>;
  readonly check: (response: OutputOf<Schema>) => boolean;
}

function plan<A extends Schema, R extends Schema>(
  command: Command<A, R, true>,
  args: InputOf<A>,
  check: (response: OutputOf<R>) => boolean,
): PlannedCall {
  return { command: command, args, check: check as (response: OutputOf<Schema>) => boolean };
}

/** Draws seeded random calls covering every argument type. */
export class CallPlanner {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = seeded(seed);
  }
  #int(below: number): number {
    return Math.floor(this.#random() * below);
  }
  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }
  #text(): string {
    return Array.from({ length: this.#int(12) }, () => this.#pick(TEXT)).join("");
  }
  #bigint(): bigint {
    const digits = 1 + this.#int(40);
    let text = String(1 + this.#int(9));
    for (let i = 1; i < digits; i += 1) text += String(this.#int(10));
    return this.#random() < 0.5 ? -BigInt(text) : BigInt(text);
  }
  #float(): number {
    return this.#pick([
      (this.#random() - 0.5) * 2e6,
      this.#random() * 10 ** (this.#int(60) - 30),
      Infinity,
      -Infinity,
      NaN,
      0,
      -0,
      1e-7,
      1e16,
      5e-324,
    ]);
  }
  #decimal(): AmpDecimal {
    const texts = [
      "1.0",
      "1E+2",
      "-0",
      "0E-7",
      "NaN",
      "-sNaN",
      "Infinity",
      "NaN123",
      "0.000001",
      `${this.#int(2e6) - 1e6}.${this.#int(1e4)}`,
      `${1 + this.#int(1e5)}E${this.#int(40) - 20}`,
    ];
    return AmpDecimal.parse(this.#pick(texts));
  }
  #dateTime(): AmpDateTime {
    return new AmpDateTime({
      year: 2 + this.#int(9996),
      month: 1 + this.#int(12),
      day: 1 + this.#int(28),
      hour: this.#int(24),
      minute: this.#int(60),
      second: this.#int(60),
      microsecond: this.#int(1e6),
      offsetMinutes: this.#int(46 * 60) - 23 * 60,
    });
  }

  next(index: number): PlannedCall {
    const sameFloat = (a: number, b: number): boolean => Object.is(a, b);
    switch (this.#int(12)) {
      case 0: {
        const a = this.#bigint();
        const b = this.#bigint();
        return plan(Sum, { a, b }, (r) => r.total === a + b);
      }
      case 1: {
        const a = Buffer.from(Array.from({ length: this.#int(20) }, () => this.#int(256)));
        const b = Buffer.from(Array.from({ length: this.#int(20) }, () => this.#int(256)));
        return plan(Concat, { a, b }, (r) => r.value.equals(Buffer.concat([a, b])));
      }
      case 2: {
        const text = this.#text();
        return plan(Reverse, { text }, (r) => r.text === reverseText(text));
      }
      case 3: {
        const flag = this.#random() < 0.5;
        return plan(Negate, { flag }, (r) => r.flag === !flag);
      }
      case 4: {
        const x = this.#float();
        const factor = this.#float();
        return plan(Scale, { x, factor }, (r) => sameFloat(r.value, x * factor));
      }
      case 5: {
        const d = this.#decimal();
        return plan(DecimalEcho, { d }, (r) => r.d.equals(d) && r.text === d.toString());
      }
      case 6: {
        const at = this.#dateTime();
        return plan(ToUTC, { at }, (r) => r.at.toString() === at.toString() && r.utc.toString() === toUTC(at).toString());
      }
      case 7: {
        const values = Array.from({ length: this.#int(8) }, () => this.#bigint());
        return plan(
          Stats,
          { values },
          (r) =>
            r.count === BigInt(values.length) &&
            r.total === values.reduce((s, v) => s + v, 0n) &&
            r.reversed.join() === [...values].reverse().join(),
        );
      }
      case 8: {
        const items = Array.from({ length: this.#int(5) }, () => ({
          name: this.#text(),
          n: this.#bigint(),
          note: this.#random() < 0.5 ? this.#text() : null,
        }));
        const want = [...items].reverse().map((item) => ({ ...item, n: item.n + 1n }));
        return plan(
          Records,
          { items },
          (r) =>
            JSON.stringify(r.items, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
            JSON.stringify(want, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
        );
      }
      case 9: {
        const path = `/${Array.from({ length: 1 + this.#int(4) }, () => this.#pick(["a", "b", "..", ".", "\u00e9t\u00e9", "c d"])).join("/")}`;
        return plan(Child, { path }, (r) => r.path === posix.join(posix.resolve(path), "x"));
      }
      case 10: {
        const name = this.#text();
        const title = this.#random() < 0.5 ? this.#text() : null;
        // `||` as the Python peer's `title or "dear"`: an empty title becomes "dear"
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        return plan(Greet, { name, title }, (r) => r.text === `${title || "dear"} ${name}`);
      }
      default: {
        const tag = BigInt(index);
        return plan(Slow, { ms: BigInt(this.#int(20)), tag }, (r) => r.tag === tag);
      }
    }
  }
}
