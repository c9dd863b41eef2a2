import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { setErrorReporter, type ErrorReporter } from "@torsion/defer";
import { CommandsReplay } from "./commands-harness.js";
import { loadSuite } from "./oracle.js";

/**
 * Deviations toward safety, by id. Twisted keeps dispatching the boxes that arrived in the
 * same chunk after it called `loseConnection` (and writes their answers); Torsion delivers
 * nothing once `transport.disconnecting` is true, as every Torsion framing protocol does.
 * For these vectors the replay matches Twisted's events up to the close, and afterwards no
 * responder runs and nothing more is written on the closing side.
 */
const DEVIATIONS: ReadonlyMap<string, string> = new Map([
  ["amp-commands-0047", "two more commands in the chunk after the UNKNOWN answer's close are not dispatched"],
  ["amp-commands-0104", "the answer in the chunk after the unhandled-failure close is not dispatched; call 1 fails with ConnectionDone"],
  ["amp-commands-0105", "the same as 0104"],
]);

/** Checks a deviation: Twisted's events up to the first loseConnection, then nothing but failures and inner events. */
function checkDeviation(replay: CommandsReplay, expected: readonly unknown[][]): void {
  const close = expected.findIndex((event) => String(event[0]).endsWith(":loseConnection"));
  assert.ok(close >= 0);
  assert.deepEqual(replay.events.slice(0, close + 1), expected.slice(0, close + 1));
  const closer = String(expected[close]?.[0]).slice(0, 2);
  for (const event of replay.events.slice(close + 1)) {
    assert.notEqual(event[0], `${closer}write`, `nothing is written by the closing side after its close: ${JSON.stringify(event)}`);
    assert.notEqual(event[0], "s:responder", "no responder runs after the close");
  }
}

describe("AMP replays every amp-commands vector", () => {
  let previous: ErrorReporter;
  before(() => {
    previous = setErrorReporter(() => {});
  });
  after(() => {
    setErrorReporter(previous);
  });
  const vectors = loadSuite("amp-commands");
  it("the fixture holds the public vectors", () => assert.equal(vectors.length, 103));
  for (const vector of vectors) {
    it(`${vector.id} (${vector.category})`, () => {
      const replay = new CommandsReplay(vector);
      replay.run();
      if (DEVIATIONS.has(vector.id)) {
        checkDeviation(replay, vector.events);
        return;
      }
      assert.deepEqual(replay.events, vector.events);
      assert.deepEqual(replay.opEnds, vector.opEventEnds);
      assert.deepEqual(replay.final(), vector.final);
    });
  }
});
