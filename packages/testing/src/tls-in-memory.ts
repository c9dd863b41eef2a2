/**
 * Running `node:tls` over the in-memory transport: wrap the factories given to
 * `connectedServerAndClient` in `@torsion/tls`'s `TLSMemoryBIOFactory` (its `TLSProtocol`
 * runs `node:tls` over a Duplex adapter of the in-memory transport), then move bytes with
 * {@link pumpUntil}. Node's TLS stream layer finishes some steps on later event-loop turns
 * (its JS stream wrapper), so a plain synchronous `pump.flush()` can stop early; these
 * helpers alternate pump rounds with event-loop turns, bounded. No sockets are used.
 */
import { PumpLimitError } from "./errors.js";
import type { IOPump } from "./io-pump.js";

/** Options of {@link pumpUntil}. */
export interface PumpUntilOptions {
  /** Event-loop turns allowed before giving up. @default 10000 */
  readonly maxTurns?: number;
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Pumps until `until()` holds. @throws PumpLimitError when it does not hold within
 * `maxTurns` turns (or nothing moves for 50 turns in a row).
 */
export async function pumpUntil(pump: IOPump, until: () => boolean, options: PumpUntilOptions = {}): Promise<void> {
  const maxTurns = options.maxTurns ?? 10_000;
  let quiet = 0;
  for (let turns = 0; !until(); turns++) {
    if (turns >= maxTurns || quiet >= 50) throw new PumpLimitError(`pumpUntil: the condition did not hold after ${turns} turns`);
    quiet = pump.flush(1000) ? 0 : quiet + 1;
    if (until()) return;
    await turn();
  }
}

/** Pumps for `turns` event-loop turns (to see that something did NOT happen, or to drain). */
export async function pumpIdle(pump: IOPump, turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) {
    pump.flush(1000);
    await turn();
  }
}
