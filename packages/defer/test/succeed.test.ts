import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Deferred, succeed } from "@torsion/defer";
import { trackReports } from "./helpers.js";

describe("succeed", () => {
  trackReports();

  it("returns a Deferred that has already fired with the value", () => {
    const d = succeed({ answer: 42 });
    assert.ok(d instanceof Deferred);
    assert.equal(d.called, true);
    assert.deepEqual(d.peek(), { state: "succeeded", result: { answer: 42 } });
  });

  it("runs callbacks at once, inside addCallback", () => {
    const seen: string[] = [];
    succeed("now").addCallback((s) => seen.push(s));
    assert.deepEqual(seen, ["now"]);
  });

  it("refuses a Deferred as the value with a TypeError", () => {
    assert.throws(() => succeed(new Deferred<number>()), TypeError);
  });
});
