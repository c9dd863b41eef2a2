// snippet: deferreds/async-await.ts
// async/await is Torsion's inlineCallbacks: a Deferred is awaitable, and ensureDeferred
// turns an async function's promise back into a Deferred for Deferred-based callers.
import { deferLater, ensureDeferred, gatherResults, type Deferred } from "torsion";
import { Clock, successResultOf } from "torsion/testing";

const clock = new Clock();

function slowDouble(n: number): Deferred<number> {
  return deferLater(clock, 1, () => n * 2);
}

async function sumOfDoubles(numbers: number[]): Promise<number> {
  let total = 0;
  for (const n of numbers) total += await slowDouble(n); // awaiting a Deferred
  return total;
}

const sum = ensureDeferred(sumOfDoubles([1, 2, 3]));
for (let second = 0; second < 3; second += 1) {
  clock.advance(1);
  await new Promise((resolve) => setImmediate(resolve)); // let the awaits resume
}
console.log(`sum of doubles: ${successResultOf(sum)}`);

const all = gatherResults([slowDouble(5), slowDouble(6)]);
clock.advance(1);
console.log(`gathered: ${successResultOf(all).join(", ")}`);
