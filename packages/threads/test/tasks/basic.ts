/** Tiny task modules for the real-worker tests. */
import { threadId } from "node:worker_threads";
import { blockingCallFromThread, blockingCallFromThreadWith, callFromThread, defineTask, transfer } from "@torsion/threads";

export const echo = defineTask(import.meta.url, "echo", (value: unknown) => value);

export const negativeFails = defineTask(import.meta.url, "negativeFails", (n: number) => {
  if (n < 0) throw new RangeError(`negative: ${n}`);
  return n === 0 ? { zero: true } : n;
});

export const add = defineTask(import.meta.url, "add", (a: number, b: number) => a + b);

export const asyncDouble = defineTask(import.meta.url, "asyncDouble", async (n: number) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return n * 2;
});

/** Blocks the worker thread for `ms` milliseconds, then returns its thread id. */
export const block = defineTask(import.meta.url, "block", (ms: number) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return threadId;
});

export const whichThread = defineTask(import.meta.url, "whichThread", () => threadId);

class ValidationError extends Error {
  override name = "ValidationError";
  readonly code = "E_INVALID";
  readonly field = "email";
  readonly details = { limit: 3 };
}

export const failCustom = defineTask(import.meta.url, "failCustom", () => {
  throw new ValidationError("bad email", { cause: new RangeError("too long") });
});

export const failType = defineTask(import.meta.url, "failType", () => {
  throw new TypeError("wrong type");
});

export const failValue = defineTask(import.meta.url, "failValue", () => {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the test is about a thrown non-Error
  throw 42;
});

export const exitHard = defineTask(import.meta.url, "exitHard", (code: number) => {
  process.exit(code);
});

export const throwUncaught = defineTask(import.meta.url, "throwUncaught", () => {
  setImmediate(() => {
    throw new Error("uncaught in worker");
  });
  return new Promise(() => undefined);
});

/** Fills the buffer it was given (moved, not copied) and moves it back. */
export const fill = defineTask(import.meta.url, "fill", (data: Uint8Array) => {
  data.fill(7);
  return transfer(data, [data.buffer as ArrayBuffer]);
});

export const unclonable = defineTask(import.meta.url, "unclonable", () => () => 1);

export const callMain = defineTask(import.meta.url, "callMain", (name: string, values: number[]) => {
  for (const value of values) callFromThread(name, value);
  return "sent";
});

export const blockingMain = defineTask(import.meta.url, "blockingMain", (name: string, arg: unknown) => blockingCallFromThread(name, arg));

export const blockingMainTimeout = defineTask(import.meta.url, "blockingMainTimeout", (name: string, seconds: number) => {
  try {
    return blockingCallFromThreadWith({ timeout: seconds }, name);
  } catch (error) {
    return (error as Error).name;
  }
});

/** A plain exported function, usable as `{module, export: "square"}`. */
export function square(n: number): number {
  return n * n;
}

/** Allocates until the worker runs out of memory. */
export const hog = defineTask(import.meta.url, "hog", () => {
  const keep: number[][] = [];
  for (;;) keep.push(new Array<number>(1_000_000).fill(1));
});
