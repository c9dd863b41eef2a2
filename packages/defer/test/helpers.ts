// Shared test helpers for @torsion/defer (not a test file itself).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach } from "node:test";
import { type Failure, type ITimeoutClock, type ITimeoutDelayedCall, setErrorReporter } from "@torsion/defer";

/** Resolves after every pending setImmediate callback queued before it (one event-loop turn). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Report {
  readonly failure: Failure;
  readonly context: string;
}

/**
 * Installs a capturing error reporter around every test of the enclosing `describe` and
 * restores the previous one afterwards. After each test it waits one turn and fails the
 * test if a report arrived that the test did not `take()`.
 */
export function trackReports(): { take(): Report[] } {
  let reports: Report[] = [];
  let previous: ReturnType<typeof setErrorReporter> | undefined;
  beforeEach(() => {
    reports = [];
    previous = setErrorReporter((failure, context) => reports.push({ failure, context }));
  });
  afterEach(async () => {
    await nextTurn();
    if (previous !== undefined) setErrorReporter(previous);
    const left = reports.map((r) => `${r.context}: ${r.failure.getErrorMessage()}`);
    assert.deepEqual(left, [], "unexpected error reports");
  });
  return {
    take(): Report[] {
      const taken = reports;
      reports = [];
      return taken;
    },
  };
}

/** A minimal deterministic clock for addTimeout tests. */
export class FakeClock implements ITimeoutClock {
  #now = 0;
  #calls: { time: number; fn: () => void; state: "pending" | "called" | "cancelled" }[] = [];

  callLater(delay: number, fn: () => void): ITimeoutDelayedCall {
    const call = { time: this.#now + delay, fn, state: "pending" as "pending" | "called" | "cancelled" };
    this.#calls.push(call);
    return {
      cancel: () => {
        assert.equal(call.state, "pending", "cancel() of an inactive call");
        call.state = "cancelled";
      },
      active: () => call.state === "pending",
    };
  }

  /** How many calls are neither run nor cancelled. */
  get pendingCount(): number {
    return this.#calls.filter((c) => c.state === "pending").length;
  }

  advance(seconds: number): void {
    this.#now += seconds;
    for (const call of this.#calls) {
      if (call.state === "pending" && call.time <= this.#now) {
        call.state = "called";
        call.fn();
      }
    }
  }
}

/**
 * Runs the compiled child program `test/programs/<name>.ts` with `node ...nodeArgs` and
 * parses the JSON it prints. Rejects if it does not finish within `timeoutMs`.
 */
export function runProgram(name: string, nodeArgs: readonly string[] = [], timeoutMs = 20_000): Promise<unknown> {
  const path = fileURLToPath(new URL(`./programs/${name}.js`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeArgs, path], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${name} failed (${error.signal ?? error.code ?? "?"}): ${stderr}`, { cause: error }));
        return;
      }
      resolve(JSON.parse(stdout) as unknown);
    });
  });
}
