import { constants } from "node:os";

const numbers = constants.signals as Readonly<Record<string, number | undefined>>;

/**
 * The Node signal for a Twisted-style signal: `'TERM'` becomes `'SIGTERM'`, numbers pass
 * through. Any `ProcessSignal` is accepted, and so is any other signal name Node knows,
 * with or without the `SIG` prefix (`'SIGTERM'`, `'WINCH'`): hence `string`.
 *
 * @throws TypeError for an unknown name or a number that is not a non-negative integer
 */
export function toNodeSignal(signal: string | number): NodeJS.Signals | number {
  if (typeof signal === "number") {
    if (!Number.isInteger(signal) || signal < 0) throw new TypeError(`not a signal number: ${signal}`);
    return signal;
  }
  if (typeof signal !== "string") throw new TypeError(`not a signal: ${String(signal)}`);
  const name = signal.startsWith("SIG") ? signal : `SIG${signal}`;
  if (numbers[name] === undefined) throw new TypeError(`unknown signal ${JSON.stringify(signal)}`);
  return name as NodeJS.Signals;
}

/** The number of a signal name such as `'SIGKILL'`, or `null` if unknown. */
export function signalNumber(name: string): number | null {
  return numbers[name] ?? null;
}
