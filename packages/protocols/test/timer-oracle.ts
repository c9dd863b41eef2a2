/** Shared replay helpers for the timer-suite oracle vectors (FORMAT.md §4). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

/** One recorded event: its name, then its values. */
export type Event = [string, ...unknown[]];

/** One suite file as read: the caller says what its vectors are (see FORMAT.md). */
export interface Suite {
  readonly suite: string;
  readonly vectors: readonly unknown[];
}

/** Reads `test/fixtures/twisted-oracle/<suite>.json` (copied from Twisted 22.4's recordings). */
export function loadSuite(suite: string): Suite {
  const url = new URL(`../../../test/fixtures/twisted-oracle/${suite}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Suite;
}

/** Exact for dyadic vectors; within 1e-9 otherwise (FORMAT.md §4.1). */
export function sameValue(actual: unknown, expected: unknown, exact: boolean): boolean {
  if (typeof actual === "number" && typeof expected === "number") {
    return exact ? actual === expected : Math.abs(actual - expected) <= 1e-9;
  }
  return actual === expected;
}

/** Asserts that `actual` matches `expected` event for event, with {@link sameValue} on values. */
export function assertEvents(actual: readonly Event[], expected: readonly Event[], exact: boolean, where: string): void {
  const same =
    actual.length === expected.length &&
    actual.every((event, i) => {
      const other = expected[i] ?? [];
      return event.length === other.length && event.every((value, j) => sameValue(value, other[j], exact));
    });
  if (!same) assert.deepEqual(actual, expected, where);
}
