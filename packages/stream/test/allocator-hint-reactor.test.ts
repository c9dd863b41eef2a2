/** The allocator hint is a NodeReactor option (default on), never given by the library alone. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allocatorHint } from "@torsion/stream";
import { NodeReactor } from "@torsion/reactor";

describe("the allocatorHint option of NodeReactor", () => {
  it("leaves the process-wide hint disabled when a reactor is created with allocatorHint: false", () => {
    assert.equal(allocatorHint.enabled, false);
    new NodeReactor({ installSignalHandlers: false, allocatorHint: false });
    assert.equal(allocatorHint.enabled, false);
  });

  it("enables the process-wide hint when a reactor is created with the default", () => {
    new NodeReactor({ installSignalHandlers: false });
    assert.equal(allocatorHint.enabled, true);
    assert.equal(allocatorHint.done, false, "enabling allocates nothing; the first bulk read does");
  });
});
