import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { IStreamClientEndpoint, IStreamServerEndpoint } from "@torsion/core";
import { MemoryReactorClock } from "@torsion/testing";
import {
  EndpointArgumentError,
  EndpointFileError,
  EndpointSyntaxError,
  EndpointValueError,
  HostnameEndpoint,
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TLSWrapperClientEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  UnknownEndpointTypeError,
  clientFromString,
  parseArguments,
  quoteStringArgument,
  serverFromString,
} from "@torsion/endpoints";

/** One recorded vector (see ../shared/oracle/FORMAT-wave2.md §6). */
interface Vector {
  readonly id: string;
  readonly kind: "valid" | "error";
  readonly op: "parse" | "server" | "client" | "quote";
  readonly description: string;
  readonly events: readonly (readonly unknown[])[];
}

/** Reads `test/fixtures/twisted-oracle/<suite>.json` and checks it is that suite. */
function loadSuite(suite: string): Vector[] {
  const url = new URL(`../../../test/fixtures/twisted-oracle/${suite}.json`, import.meta.url);
  const data = JSON.parse(readFileSync(url, "utf8")) as { suite: string; twisted: string; vectors: Vector[] };
  assert.equal(data.suite, suite);
  return data.vectors;
}

/** The Python exception Twisted raised, as the Torsion error classes that stand for it. */
const RAISES: Readonly<Record<string, readonly (abstract new (...args: never[]) => Error)[]>> = {
  RuntimeError: [EndpointSyntaxError],
  UnicodeEncodeError: [EndpointSyntaxError],
  ValueError: [EndpointValueError, UnknownEndpointTypeError],
  TypeError: [EndpointArgumentError],
  // A description with no positional at all: Twisted indexes args[0] and fails.
  IndexError: [UnknownEndpointTypeError],
  // An unknown sslmethod name: Twisted looks it up with getattr on OpenSSL.SSL.
  AttributeError: [EndpointValueError],
  // Files named by ssl:/tls: descriptions are read at parse time, by both.
  FileNotFoundError: [EndpointFileError],
  NotADirectoryError: [EndpointFileError],
  PermissionError: [EndpointFileError],
  OSError: [EndpointFileError],
  IOError: [EndpointFileError],
};

/** What Torsion produces, in the oracle's event form. */
function run(vector: Vector): unknown[] {
  const reactor = new MemoryReactorClock();
  try {
    switch (vector.op) {
      case "parse": {
        const { args, kwargs } = parseArguments(vector.description);
        return ["parsed", args, { ...kwargs }];
      }
      case "quote":
        return ["quoted", quoteStringArgument(vector.description)];
      case "server":
        return describeServer(serverFromString(reactor, vector.description));
      case "client":
        return describeClient(clientFromString(reactor, vector.description));
    }
  } catch (error) {
    return ["raises", error];
  }
}

function describeServer(e: IStreamServerEndpoint): unknown[] {
  if (e instanceof TCP4ServerEndpoint || e instanceof TCP6ServerEndpoint || e instanceof SSL4ServerEndpoint) {
    return ["server", e.constructor.name, { port: e.port, backlog: e.backlog, interface: e.interface }];
  }
  if (e instanceof UNIXServerEndpoint) {
    return ["server", "UNIXServerEndpoint", { address: e.address, backlog: e.backlog, mode: e.mode, wantPID: e.wantPID }];
  }
  return ["server", e.constructor.name, {}];
}

function describeClient(e: IStreamClientEndpoint): unknown[] {
  if (e instanceof TCP4ClientEndpoint || e instanceof SSL4ClientEndpoint) {
    return ["client", e.constructor.name, { host: e.host, port: e.port, timeout: e.timeout, bindAddress: e.bindAddress }];
  }
  if (e instanceof UNIXClientEndpoint) {
    return ["client", "UNIXClientEndpoint", { path: e.path, timeout: e.timeout, checkPID: e.checkPID }];
  }
  if (e instanceof TLSWrapperClientEndpoint && e.wrappedEndpoint instanceof HostnameEndpoint) {
    const h = e.wrappedEndpoint;
    return ["client", "TLS(HostnameEndpoint)", { host: h.host, port: h.port, timeout: h.timeout, bindAddress: h.bindAddress }];
  }
  return ["client", e.constructor.name, {}];
}

function check(actual: unknown[], expected: readonly unknown[], id: string): void {
  if (expected[0] === "raises") {
    assert.equal(actual[0], "raises", `${id}: expected ${String(expected[1])}, got ${JSON.stringify(actual)}`);
    const classes = RAISES[expected[1] as string];
    assert.ok(classes !== undefined, `${id}: no Torsion error stands for ${String(expected[1])}`);
    assert.ok(
      classes.some((c) => actual[1] instanceof c),
      `${id}: expected ${String(expected[1])}, got ${String(actual[1])}`,
    );
    return;
  }
  if (actual[0] === "raises") throw actual[1];
  assert.deepEqual(actual, expected, id);
}

/**
 * Where Torsion deliberately differs from Twisted 22.4, by vector id, with the reason and
 * what Torsion does instead. Every entry is toward strictness or safety.
 */
const DEVIATIONS: Readonly<Record<string, { readonly reason: string; readonly torsion: readonly unknown[] }>> = {
  // Strict integers: Python's int() also takes "_" separators and blanks.
  "endpoint-strings-0196": { reason: "strict decimal integers: `8_0` is not a port", torsion: ["raises", "ValueError"] },
  // Port numbers are range-checked when parsed; Twisted only fails later, in the socket call.
  "endpoint-strings-0189": { reason: "port 99999 is out of range", torsion: ["raises", "ValueError"] },
  "endpoint-strings-0216": { reason: "port 65536 is out of range", torsion: ["raises", "ValueError"] },
  "endpoint-strings-0232": { reason: "port 65536 is out of range", torsion: ["raises", "ValueError"] },
  "endpoint-strings-0285": { reason: "port 65536 is out of range", torsion: ["raises", "ValueError"] },
  "endpoint-strings-0299": { reason: "port 65536 is out of range", torsion: ["raises", "ValueError"] },
  "endpoint-strings-0310": { reason: "port 65536 is out of range", torsion: ["raises", "ValueError"] },
  // Twisted's tls: parser hands the bare bindAddress string to HostnameEndpoint, which needs a
  // (host, port) pair, so such a connect fails later; Torsion builds the pair, as tcp: does.
  "endpoint-strings-0281": {
    reason: "tls: bindAddress becomes a [host, 0] pair, as for tcp:",
    torsion: ["client", "TLS(HostnameEndpoint)", { host: "example.com", port: 0, timeout: 30, bindAddress: ["", 0] }],
  },
  "endpoint-strings-0292": {
    reason: "tls: bindAddress becomes a [host, 0] pair, as for tcp:",
    torsion: ["client", "TLS(HostnameEndpoint)", { host: "127.0.0.1", port: 80, timeout: 30, bindAddress: ["192.0.2.1", 0] }],
  },
};

/**
 * The same deviations recognised by rule, for vectors not listed above (the suite's
 * private part, or a re-recording): returns the reason when `actual` is Torsion's
 * deliberate answer to a vector whose Twisted result is `expected`, else `null`. Each
 * rule checks Torsion's exact behaviour, so it cannot hide another difference.
 */
function deviationByRule(vector: Vector, expected: readonly unknown[], actual: unknown[]): string | null {
  const error = actual[0] === "raises" ? actual[1] : null;
  if (expected[0] !== "raises" && error instanceof EndpointValueError && pythonAcceptsInteger(error.value)) {
    return `strict, range-checked integers: Twisted's int() takes ${JSON.stringify(error.value)} for ${error.parameter}`;
  }
  if (expected[1] === "StandardIOEndpoint" && error instanceof EndpointArgumentError && error.message.startsWith("stdio:")) {
    return "stdio: takes no arguments (Twisted's parser ignores them)";
  }
  if (expected[0] !== "raises" && error instanceof EndpointArgumentError && error.message.includes("takes at most")) {
    return "extra positionals are an error (Twisted ignores them when host=/port= are given)";
  }
  if (
    expected[0] === "raises" &&
    expected[1] === "InvalidCodepoint" &&
    vector.op === "client" &&
    /^tls:/i.test(vector.description) &&
    actual[0] === "client" &&
    actual[1] === "TLS(HostnameEndpoint)" &&
    String((actual[2] as { host: unknown }).host).includes(":")
  ) {
    return "tls: takes IPv6 literals (Twisted crashes in IDNA)";
  }
  if (expected[0] === "client" && expected[1] === "TLS(HostnameEndpoint)") {
    const bind = (expected[2] as { bindAddress: unknown }).bindAddress;
    if (typeof bind === "string") {
      const fixed = ["client", expected[1], { ...(expected[2] as object), bindAddress: [bind, 0] }];
      if (isDeepStrictEqual(actual, fixed)) return "tls: bindAddress becomes a [host, 0] pair, as for tcp:";
    }
  }
  return null;
}

/** Whether Python's `int(value)` (or `int(value, 8)` for a mode) parses `value`. */
function pythonAcceptsInteger(value: string): boolean {
  return /^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u.test(value) || /^\s*[+-]?0[oO](?:_?[0-7])+\s*$/.test(value);
}

const vectors = loadSuite("endpoint-strings");

describe("the endpoint-strings oracle (Twisted 22.4)", () => {
  it("has vectors of every op", () => {
    assert.deepEqual([...new Set(vectors.map((v) => v.op))].sort(), ["client", "parse", "quote", "server"]);
    for (const id of Object.keys(DEVIATIONS))
      assert.ok(
        vectors.some((v) => v.id === id),
        `deviation ${id} is a vector`,
      );
  });

  it("recognises each listed deviation by rule too, and nothing that matches Twisted", () => {
    for (const vector of vectors) {
      const expected = vector.events[0] as readonly unknown[];
      const rule = deviationByRule(vector, expected, run(vector));
      assert.equal(rule !== null, vector.id in DEVIATIONS, `${vector.id}: rule ${String(rule)}`);
    }
  });

  it("recognises an IPv6 tls: host, which Twisted rejects, as a deviation", () => {
    const vector: Vector = {
      id: "synthetic",
      kind: "error",
      op: "client",
      description: "tls:\\:\\:1:443",
      events: [["raises", "InvalidCodepoint"]],
    };
    assert.match(String(deviationByRule(vector, vector.events[0] as readonly unknown[], run(vector))), /IPv6/);
  });

  for (const vector of vectors) {
    const deviation = DEVIATIONS[vector.id];
    const title = `${vector.id} ${vector.op} ${JSON.stringify(vector.description)}`;
    if (deviation === undefined) {
      it(`${title} gives what Twisted gives`, (t) => {
        assert.equal(vector.events.length, 1);
        const expected = vector.events[0] as readonly unknown[];
        const actual = run(vector);
        try {
          check(actual, expected, vector.id);
        } catch (mismatch) {
          const rule = deviationByRule(vector, expected, actual);
          if (rule === null) throw mismatch;
          t.diagnostic(`${vector.id} deviates by rule: ${rule}`);
        }
      });
    } else {
      it(`${title} deviates: ${deviation.reason}`, () => {
        assert.notDeepEqual(deviation.torsion, vector.events[0], `${vector.id} is no deviation`);
        check(run(vector), deviation.torsion, vector.id);
      });
    }
  }
});
