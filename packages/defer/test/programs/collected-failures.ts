// Child program for deferred-collected.test.ts, run with --expose-gc: leaves failures on
// paused Deferreds that become garbage, collects them, and prints the error reports (and
// which of the kept Deferreds are still alive) as JSON.
import { Deferred, setErrorReporter } from "@torsion/defer";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run me with --expose-gc");

const reports: string[] = [];
setErrorReporter((failure, context) => reports.push(`${context} | ${failure.getErrorMessage()}`));

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Paused before it fires, then fails: never unpaused. */
function pausedBeforeFiring(): void {
  const d = new Deferred<number>();
  d.pause();
  d.errback(new Error("paused before firing"));
}

/** Its own callback pauses it and throws: never unpaused. */
function pausedByItsCallback(): void {
  const d = new Deferred<number>();
  d.addCallback(() => {
    d.pause();
    throw new Error("paused by its callback");
  });
  d.callback(1);
}

/** Paused with a failure; an errback handles it after an unpause: no report. */
async function handledAfterUnpause(): Promise<void> {
  const d = new Deferred<number>();
  d.pause();
  d.errback(new Error("handled after unpause"));
  await turn();
  d.addErrback(() => null);
  d.unpause();
}

/** Paused with a failure, then unpaused with nobody handling it: reported once, at once. */
async function unpausedUnhandled(): Promise<void> {
  const d = new Deferred<number>();
  d.pause();
  d.errback(new Error("unpaused, unhandled"));
  await turn();
  d.unpause();
}

const kept = new Deferred<number>();
kept.pause();
kept.errback(new Error("kept alive"));

pausedBeforeFiring();
pausedByItsCallback();
await handledAfterUnpause();
await unpausedUnhandled();
await turn();
const beforeCollection = [...reports];

for (let round = 0; round < 20 && reports.length < beforeCollection.length + 2; round++) {
  gc();
  await turn();
  await new Promise((resolve) => setTimeout(resolve, 5));
}
gc();
await turn();

process.stdout.write(
  JSON.stringify({
    beforeCollection,
    afterCollection: reports.slice(beforeCollection.length).sort(),
    keptStillPaused: kept.paused,
  }),
);
