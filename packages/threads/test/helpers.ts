import { Failure } from "@torsion/defer";

/** The URL of a compiled task module. */
export const BASIC = new URL("./tasks/basic.js", import.meta.url);

/** The error a Deferred or promise fails with (fails the test if it succeeds). */
export async function failureOf(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return Failure.from(error).value;
  }
  throw new Error("expected a failure");
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
