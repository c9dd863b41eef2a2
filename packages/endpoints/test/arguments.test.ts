import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EndpointArgumentError, EndpointValueError, serverFromString, clientFromString } from "@torsion/endpoints";
import { MemoryReactorClock } from "@torsion/testing";

// The argument helpers are internal; they are tested through the descriptions that use them.
const reactor = new MemoryReactorClock();
const port = (d: string) => (serverFromString(reactor, d) as unknown as { port: number }).port;

describe("description integers", () => {
  it("accept a sign and leading zeros, as Python's int()", () => {
    assert.equal(port("tcp:+80"), 80);
    assert.equal(port("tcp:0080"), 80);
  });

  it("reject blanks, underscores, hex, floats and empty values", () => {
    for (const bad of [" 80", "80 ", "8_0", "0x50", "80.0", "", "1e3"]) {
      assert.throws(() => serverFromString(reactor, `tcp:${bad}`), EndpointValueError, JSON.stringify(bad));
    }
  });

  it("range-check ports", () => {
    assert.equal(port("tcp:65535"), 65535);
    assert.throws(() => serverFromString(reactor, "tcp:65536"), EndpointValueError);
    assert.throws(() => serverFromString(reactor, "tcp:-1"), EndpointValueError);
  });

  it("read modes in octal, with or without 0o, up to 7777", () => {
    const mode = (d: string) => (serverFromString(reactor, d) as unknown as { mode: number }).mode;
    assert.equal(mode("unix:/x:mode=0o755"), 0o755);
    assert.equal(mode("unix:/x:mode=600"), 0o600);
    assert.throws(() => serverFromString(reactor, "unix:/x:mode=8"), EndpointValueError);
    assert.throws(() => serverFromString(reactor, "unix:/x:mode=17777"), EndpointValueError);
  });

  it("name the parameter and the value in the error", () => {
    assert.throws(
      () => clientFromString(reactor, "tcp:h:80:timeout=1.5"),
      (e: unknown) => e instanceof EndpointValueError && e.parameter === "timeout" && e.value === "1.5",
    );
  });
});

describe("description argument binding", () => {
  it("names the missing, repeated or unknown argument", () => {
    assert.throws(
      () => serverFromString(reactor, "tcp"),
      (e: unknown) => e instanceof EndpointArgumentError && e.message.includes('"port"'),
    );
    assert.throws(
      () => clientFromString(reactor, "tls:host=h:1"),
      (e: unknown) => e instanceof EndpointArgumentError && e.message.includes('multiple values for argument "host"'),
    );
    assert.throws(
      () => serverFromString(reactor, "tcp:80:bogus=1"),
      (e: unknown) => e instanceof EndpointArgumentError && e.message.includes('"bogus"'),
    );
  });
});
