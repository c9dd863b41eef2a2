// The Fib command, shared by the AMP RPC server and client (and mirrored in fib_peer.py).
import { BigInteger, Command } from "torsion";

/** n < 0 (declared error code NEGATIVE). */
export class Negative extends Error {
  override name = "Negative";
}
/** n > MAX_N: refused rather than computing for ever (declared error code TOO_LARGE). */
export class TooLarge extends Error {
  override name = "TooLarge";
}

export const MAX_N = 100_000;

/** fib(n) as an exact integer: the value exceeds 2^53 from n = 79 on, hence BigInteger. */
export const Fib = Command.define({
  commandName: "Fib",
  arguments: { n: BigInteger() },
  response: { value: BigInteger() },
  errors: { NEGATIVE: Negative, TOO_LARGE: TooLarge },
});

export function fib(n: bigint): bigint {
  if (n < 0n) throw new Negative(`fib(${n}): n must not be negative`);
  if (n > BigInt(MAX_N)) throw new TooLarge(`fib(${n}): n must be at most ${MAX_N}`);
  let [a, b] = [0n, 1n];
  for (let i = 0n; i < n; i += 1n) [a, b] = [b, a + b];
  return a;
}
