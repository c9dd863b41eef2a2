import createDebug from "debug";
import type { EventPhase, TriggerId } from "@torsion/core";
import { Deferred, Failure } from "@torsion/defer";
import { InvalidEventPhaseError, UnknownTriggerError } from "./errors.js";

const debug = createDebug("torsion:reactor:events");

/** The phases of a system event, in firing order. */
export const EVENT_PHASES: readonly EventPhase[] = ["before", "during", "after"];

type TriggerFn = (...args: never[]) => unknown;

interface Trigger {
  readonly id: TriggerId;
  readonly fn: TriggerFn;
  readonly args: readonly unknown[];
}

type PhaseLists = Record<EventPhase, Trigger[]>;

/**
 * Built-in steps the reactor splices into a firing (its own `startup`/`shutdown` work).
 * Each is optional.
 */
export interface FireHooks {
  /** Runs first in the `during` phase, before the `during` triggers. */
  readonly atDuring?: () => void;
  /** Runs after the `during` triggers; `after` waits until what it returns settles. */
  readonly afterDuring?: () => PromiseLike<void> | void;
  /**
   * Checked before `during` and before `after`; when it returns false the firing is
   * abandoned (the remaining triggers stay registered) and the returned Deferred never fires.
   */
  readonly live?: () => boolean;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Twisted's three-phase system events (`startup`, `shutdown`, or any name a user fires).
 *
 * Triggers are one-shot, as in Twisted: firing an event consumes the triggers it runs, so a
 * trigger added once runs at most once. A trigger added while its phase is being fired
 * runs in that firing; one added to a phase that already ran waits for the next firing.
 * `before` triggers may return a Deferred or promise: `during` starts once all of them have
 * settled (a failure is reported, not propagated). Exceptions thrown by triggers are
 * reported and the sequence continues.
 */
export class SystemEvents {
  readonly #events = new Map<string, PhaseLists>();
  readonly #byId = new Map<TriggerId, { readonly event: string; readonly phase: EventPhase }>();
  readonly #report: (error: unknown, context: string) => void;
  #nextId: TriggerId = 1;

  /** @param report - receives exceptions from triggers; must not throw */
  constructor(report: (error: unknown, context: string) => void) {
    this.#report = report;
  }

  /**
   * Registers `fn(...args)` for `phase` of `event` and returns its id.
   *
   * @throws InvalidEventPhaseError for a phase other than before/during/after
   * @throws TypeError if `fn` is not a function
   */
  add(phase: EventPhase, event: string, fn: TriggerFn, args: readonly unknown[]): TriggerId {
    if (!EVENT_PHASES.includes(phase)) {
      throw new InvalidEventPhaseError(`Unknown system event phase ${JSON.stringify(phase)}: use "before", "during" or "after"`);
    }
    if (typeof fn !== "function") throw new TypeError("addSystemEventTrigger: fn must be a function");
    const id = this.#nextId++;
    this.#lists(event)[phase].push({ id, fn, args });
    this.#byId.set(id, { event, phase });
    return id;
  }

  /** Unregisters a trigger. @throws UnknownTriggerError if `id` is not registered (or already ran). */
  remove(id: TriggerId): void {
    const where = this.#byId.get(id);
    if (where === undefined) throw new UnknownTriggerError(`No pending system event trigger with id ${String(id)}`);
    this.#byId.delete(id);
    const list = this.#lists(where.event)[where.phase];
    list.splice(
      list.findIndex((trigger) => trigger.id === id),
      1,
    );
  }

  /**
   * Fires `event`: `before` triggers, then (once what they returned has settled) the
   * `atDuring` hook, the `during` triggers, the `afterDuring` hook (awaited), and the `after`
   * triggers. The Deferred fires with `undefined` after the last `after` trigger; it never
   * fails. Runs synchronously as far as nothing has to be awaited.
   */
  fire(event: string, hooks: FireHooks = {}): Deferred<void> {
    debug("firing %s", event);
    const done = new Deferred<void>();
    const lists = this.#lists(event);
    const waits: PromiseLike<unknown>[] = [];
    this.#drain(lists.before, "before", event, (result) => {
      if (isThenable(result)) waits.push(result);
    });
    this.#whenSettled(waits, event, () => this.#continue(event, lists, hooks, done));
    return done;
  }

  #continue(event: string, lists: PhaseLists, hooks: FireHooks, done: Deferred<void>): void {
    if (hooks.live?.() === false) return;
    this.#guard(() => hooks.atDuring?.(), `error starting the during ${event} phase`);
    this.#drain(lists.during, "during", event);
    const finish = (): void => {
      if (hooks.live?.() === false) return;
      this.#drain(lists.after, "after", event);
      debug("fired %s", event);
      done.callback(undefined);
    };
    let pending: unknown;
    this.#guard(() => {
      pending = hooks.afterDuring?.();
    }, `error in the during ${event} phase`);
    if (!isThenable(pending)) {
      finish();
      return;
    }
    pending.then(finish, (error: unknown) => {
      this.#report(error, `error in the during ${event} phase`);
      finish();
    });
  }

  /** Runs and consumes every trigger of one phase, including ones added while it runs. */
  #drain(list: Trigger[], phase: EventPhase, event: string, onResult?: (result: unknown) => void): void {
    for (let trigger = list.shift(); trigger !== undefined; trigger = list.shift()) {
      this.#byId.delete(trigger.id);
      const { fn, args } = trigger;
      let result: unknown;
      this.#guard(
        () => {
          result = fn(...(args as never[]));
        },
        `error in ${phase} ${event} trigger ${fn.name || "<anonymous>"}`,
      );
      onResult?.(result);
    }
  }

  /** Calls `then` once every thenable in `waits` settled (at once if there are none). */
  #whenSettled(waits: readonly PromiseLike<unknown>[], event: string, then: () => void): void {
    let remaining = waits.length;
    if (remaining === 0) {
      then();
      return;
    }
    for (const wait of waits) {
      Deferred.fromPromise(wait).addBoth((result) => {
        if (result instanceof Failure) this.#report(result, `error in a Deferred returned by a before ${event} trigger`);
        remaining -= 1;
        if (remaining === 0) then();
        return result instanceof Failure ? null : result;
      });
    }
  }

  #guard(step: () => void, context: string): void {
    try {
      step();
    } catch (error) {
      this.#report(error, context);
    }
  }

  #lists(event: string): PhaseLists {
    let lists = this.#events.get(event);
    if (lists === undefined) {
      lists = { before: [], during: [], after: [] };
      this.#events.set(event, lists);
    }
    return lists;
  }
}
