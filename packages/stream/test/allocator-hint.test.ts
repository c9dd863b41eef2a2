import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ALLOCATOR_HINT_SIZE, AllocatorHint, DISABLE_ALLOCATOR_HINT_ENV, allocatorHint } from "@torsion/stream";
import { AdaptiveReadBuffer, MAX_READ_SIZE } from "@torsion/stream/internal";

describe("allocator-hint", () => {
  it("allocates one block of the hint size on the first apply and nothing afterwards", () => {
    const sizes: number[] = [];
    const hint = new AllocatorHint({ allocate: (size) => sizes.push(size), env: {} });
    hint.enable();
    assert.equal(hint.done, false);
    assert.equal(hint.apply(), true);
    assert.equal(hint.apply(), false);
    assert.equal(hint.apply(), false);
    assert.deepEqual(sizes, [ALLOCATOR_HINT_SIZE]);
    assert.equal(hint.done, true);
  });

  it("allocates nothing when the opt-out variable is set to 1", () => {
    const sizes: number[] = [];
    const hint = new AllocatorHint({ allocate: (size) => sizes.push(size), env: { [DISABLE_ALLOCATOR_HINT_ENV]: "1" } });
    hint.enable();
    assert.equal(hint.apply(), false);
    assert.equal(hint.done, true);
    assert.deepEqual(sizes, []);
  });

  it("still allocates when the opt-out variable has another value", () => {
    const sizes: number[] = [];
    const hint = new AllocatorHint({ allocate: (size) => sizes.push(size), env: { [DISABLE_ALLOCATOR_HINT_ENV]: "0" } });
    hint.enable();
    assert.equal(hint.apply(), true);
    assert.deepEqual(sizes, [ALLOCATOR_HINT_SIZE]);
  });

  it("gives no hint until enabled, so a library user's process is left alone", () => {
    const sizes: number[] = [];
    const hint = new AllocatorHint({ allocate: (size) => sizes.push(size), env: {} });
    assert.equal(hint.enabled, false);
    assert.equal(hint.apply(), false);
    assert.equal(hint.done, false, "a later enable() still gives it");
    hint.enable();
    assert.equal(hint.apply(), true);
    assert.deepEqual(sizes, [ALLOCATOR_HINT_SIZE]);
  });

  it("is not given by bulk reads in a process where nothing enabled it", () => {
    assert.equal(allocatorHint.enabled, false);
    const bulk = new AdaptiveReadBuffer();
    bulk.take(MAX_READ_SIZE, bulk.next());
    assert.equal(bulk.privateBytes, MAX_READ_SIZE);
    assert.equal(allocatorHint.done, false);
    bulk.close();
  });

  it("once enabled, is given by the process when a connection first reads in bulk, not for small reads", () => {
    allocatorHint.enable();
    assert.equal(allocatorHint.done, false);
    const small = new AdaptiveReadBuffer();
    for (let i = 0; i < 10; i++) small.take(64, small.next());
    assert.equal(allocatorHint.done, false, "small reads stay on the shared scratch");
    const bulk = new AdaptiveReadBuffer();
    const data = bulk.take(MAX_READ_SIZE, bulk.next());
    assert.equal(data.length, MAX_READ_SIZE);
    assert.equal(bulk.privateBytes, MAX_READ_SIZE);
    assert.equal(allocatorHint.done, true);
    bulk.close();
    small.close();
  });
});
