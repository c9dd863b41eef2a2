import createDebug from "debug";
import { reportError } from "@torsion/defer";
import type { ITransport } from "@torsion/core";
import { UnknownStateError } from "./errors.js";

const debug = createDebug("torsion:protocols:stateful-string-protocol");

/** The state a stateful string protocol ends in; reaching it closes the connection. */
export const DONE_STATE = "done";

/** What `dispatchStatefulString` (internal) needs: a `state` and (maybe) a transport. */
export interface StatefulStringTarget {
  state: string;
  readonly transportOrNull: ITransport | null;
}

/**
 * Routes one received string to `target["proto_" + target.state]` and stores the
 * handler's return value as the new state; when the new state is `"done"` the connection
 * is closed with `transport.loseConnection()`. (Twisted's `StatefulStringProtocol`.)
 *
 * If there is no such method, or it returns something other than a string, the string is
 * dropped, the state is kept, and an {@link UnknownStateError} is reported through
 * `reportError` (Twisted only logs). An exception thrown by a handler propagates.
 */
export function dispatchStatefulString(target: StatefulStringTarget, data: Buffer): void {
  const state = target.state;
  const name = `proto_${state}`;
  const handler = (target as unknown as Record<string, unknown>)[name];
  const context = `stateful string protocol ${target.constructor.name}`;
  if (typeof handler !== "function") {
    debug("%s: no handler %s; dropped %d bytes", target.constructor.name, name, data.length);
    reportError(new UnknownStateError(state, `${target.constructor.name} has no ${name} method`), context);
    return;
  }
  const next: unknown = handler.call(target, data);
  if (typeof next !== "string") {
    reportError(new UnknownStateError(state, `${target.constructor.name}.${name} returned ${typeof next}, not a state name`), context);
    return;
  }
  target.state = next;
  if (next === DONE_STATE) target.transportOrNull?.loseConnection();
}

/** A string receiver class (any of the framing protocols with `stringReceived`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires `any[]` for mixin constructors
export type StringReceiverClass = abstract new (...args: any[]) => {
  stringReceived(data: Buffer): void;
  readonly transportOrNull: ITransport | null;
};

/**
 * Makes a subclass of `Base` (a string receiver such as `NetstringReceiver` or
 * `Int32StringReceiver`) whose `stringReceived` dispatches on `state` with
 * `dispatchStatefulString` (internal). `state` starts as `"init"`.
 *
 * @example
 * ```ts
 * class Login extends StatefulStringProtocol(NetstringReceiver) {
 *   proto_init(user: Buffer) { this.user = user.toString(); return "password"; }
 *   proto_password(pw: Buffer) { this.sendString(check(this.user, pw)); return "done"; }
 * }
 * ```
 */
export function StatefulStringProtocol<TBase extends StringReceiverClass>(Base: TBase) {
  abstract class Stateful extends Base implements StatefulStringTarget {
    /** The current state; each string goes to `proto_<state>`. @default "init" */
    state = "init";

    override stringReceived(data: Buffer): void {
      dispatchStatefulString(this, data);
    }
  }
  return Stateful;
}
