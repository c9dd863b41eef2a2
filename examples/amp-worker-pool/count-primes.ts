// The command the dispatcher sends to its workers.
import { Command, Integer } from "torsion";

/** How many primes are below `below` (a CPU-bound task worth handing to another process). */
export const CountPrimes = Command.define({
  commandName: "CountPrimes",
  arguments: { below: Integer() },
  response: { count: Integer(), worker: Integer() },
});

export function countPrimes(below: number): number {
  const composite = new Uint8Array(Math.max(below, 2));
  let count = 0;
  for (let i = 2; i < below; i += 1) {
    if (composite[i] === 1) continue;
    count += 1;
    for (let j = i * i; j < below; j += i) composite[j] = 1;
  }
  return count;
}
