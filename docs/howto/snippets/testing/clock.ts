// snippet: testing/clock.ts
// Time under test: a Clock only moves when the test advances it.
import assert from "node:assert/strict";
import { LoopingCall, deferLater } from "torsion";
import { Clock, successResultOf, assertNoResult } from "torsion/testing";

const clock = new Clock();
const ticks: number[] = [];
const loop = new LoopingCall(clock, () => ticks.push(clock.seconds()));
loop.start(2); // runs now, then every 2 seconds
for (let i = 0; i < 5; i += 1) clock.advance(1); // one second at a time
assert.deepEqual(ticks, [0, 2, 4]);
loop.stop();

const later = deferLater(clock, 10, () => "done");
assertNoResult(later);
clock.advance(10);
assert.equal(successResultOf(later), "done");
console.log(`clock: ok at t=${clock.seconds()}`);
