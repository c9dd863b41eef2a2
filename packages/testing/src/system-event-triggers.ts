import { Deferred, Failure, reportError } from "@torsion/defer";
import { InvalidEventPhaseError, UnknownTriggerError, type EventPhase, type TriggerId } from "@torsion/core";

const PHASES: readonly EventPhase[] = ["before", "during", "after"];

/** A pending system-event trigger, as `SystemEventTriggers.pending()` lists it. */
export interface TriggerRecord {
  readonly id: TriggerId;
  readonly phase: EventPhase;
  readonly event: string;
  readonly fn: (...args: never[]) => unknown;
  readonly args: readonly unknown[];
}

/** Steps the owner splices into a firing (MemoryReactor's `running` flag changes). */
export interface FiringHooks {
  /** Runs first in the `during` phase, before the `during` triggers. */
  readonly atDuring?: () => void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * The system-event triggers of `MemoryReactor`, with the reactor contract's semantics
 * (the same as `NodeReactor`'s and Twisted's): triggers are one-shot (a firing consumes
 * the triggers it runs), a trigger added to a phase while that phase runs runs in the same
 * firing, `during` waits for the Deferreds and promises returned by `before` triggers,
 * and an exception thrown by a trigger is reported through `@torsion/defer`'s
 * `reportError` while the firing goes on.
 */
export class SystemEventTriggers {
  #pending: TriggerRecord[] = [];
  #nextId: TriggerId = 1;

  /** The triggers still pending, in registration order (a copy). */
  pending(): TriggerRecord[] {
    return [...this.#pending];
  }

  /**
   * @throws InvalidEventPhaseError for a phase other than before/during/after
   * @throws TypeError when `fn` is not a function
   */
  add(phase: EventPhase, event: string, fn: (...args: never[]) => unknown, args: readonly unknown[]): TriggerId {
    if (!PHASES.includes(phase)) {
      throw new InvalidEventPhaseError(`Unknown system event phase ${JSON.stringify(phase)}: use "before", "during" or "after"`);
    }
    if (typeof fn !== "function") throw new TypeError("addSystemEventTrigger: fn must be a function");
    const id = this.#nextId++;
    this.#pending.push({ id, phase, event, fn, args });
    return id;
  }

  /** @throws UnknownTriggerError when `id` is not pending (never added, removed, or already run) */
  remove(id: TriggerId): void {
    const index = this.#pending.findIndex((t) => t.id === id);
    if (index < 0) throw new UnknownTriggerError(`No pending system event trigger with id ${String(id)}`);
    this.#pending.splice(index, 1);
  }

  /** Fires `event`; the Deferred fires (never fails) once the `after` triggers ran. */
  fire(event: string, hooks: FiringHooks = {}): Deferred<void> {
    const done = new Deferred<void>();
    const waits = this.#drain(event, "before").filter(isThenable);
    let remaining = waits.length;
    const continueFiring = (): void => {
      hooks.atDuring?.();
      this.#drain(event, "during");
      this.#drain(event, "after");
      done.callback(undefined);
    };
    if (remaining === 0) continueFiring();
    for (const wait of waits) {
      Deferred.fromPromise(wait).addBoth((result) => {
        if (result instanceof Failure) reportError(result, `error in a Deferred returned by a before ${event} trigger`);
        if (--remaining === 0) continueFiring();
        return null;
      });
    }
    return done;
  }

  /** Runs and removes the triggers of one phase, including ones added meanwhile. */
  #drain(event: string, phase: EventPhase): unknown[] {
    const results: unknown[] = [];
    for (let t = this.#take(event, phase); t !== undefined; t = this.#take(event, phase)) {
      try {
        results.push((t.fn as (...args: unknown[]) => unknown)(...t.args));
      } catch (error) {
        reportError(error, `error in ${phase} ${event} trigger ${t.fn.name || "<anonymous>"}`);
      }
    }
    return results;
  }

  #take(event: string, phase: EventPhase): TriggerRecord | undefined {
    const index = this.#pending.findIndex((t) => t.event === event && t.phase === phase);
    return index < 0 ? undefined : this.#pending.splice(index, 1)[0];
  }
}
