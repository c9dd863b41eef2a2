// Child program for deferred-edge-cases.test.ts: cancels Deferreds that wait on each other
// in a cycle and prints what happened as JSON. Run as a child process so that a cancel()
// that loops forever (the old defect) is bounded by the parent's timeout.
import { Deferred, DeferredCycleError } from "@torsion/defer";

let cancellerCalls = 0;

function describeCancel(target: Deferred<unknown>, all: readonly Deferred<unknown>[]): Record<string, unknown> {
  let outcome: Record<string, unknown>;
  try {
    target.cancel();
    outcome = { threw: false };
  } catch (error) {
    outcome = {
      threw: true,
      isCycleError: error instanceof DeferredCycleError,
      name: (error as Error).name,
      code: (error as { code?: unknown }).code,
      length: (error as { length?: unknown }).length,
      message: (error as Error).message,
    };
  }
  outcome.cancellerCalls = cancellerCalls;
  outcome.states = all.map(String);
  return outcome;
}

/** Two Deferreds, each waiting on the other; cancel one of them. */
function pair(): Record<string, unknown> {
  const a = new Deferred<number>(() => cancellerCalls++);
  const b = new Deferred<number>(() => cancellerCalls++);
  a.addCallback(() => b);
  b.addCallback(() => a);
  a.callback(1);
  b.callback(2);
  return describeCancel(a, [a, b]);
}

/** A ring of three, and a fourth Deferred waiting on the ring from outside; cancel that one. */
function ringWithEntry(): Record<string, unknown> {
  const ring = [0, 1, 2].map(() => new Deferred<number>(() => cancellerCalls++));
  ring.forEach((d, i) => d.addCallback(() => ring[(i + 1) % ring.length]!));
  for (const d of ring) d.callback(0);
  const entry = new Deferred<number>(() => cancellerCalls++);
  entry.addCallback(() => ring[0]!);
  entry.callback(0);
  return describeCancel(entry, [entry, ...ring]);
}

process.stdout.write(JSON.stringify([pair(), ringWithEntry()]));
