import createDebug from "debug";
import { ConnectionLost, type IAddress, type IProtocol } from "@torsion/core";
import { Deferred, Failure, fail, maybeDeferred, reportError, succeed } from "@torsion/defer";
import { AmpBox, decodeRange } from "./amp-box.js";
import { CallTable } from "./call-table.js";
import type { InputOf, OutputOf, Schema } from "./argument.js";
import { BinaryBoxProtocol, canStartTLS, type BinaryBoxProtocolOptions } from "./binary-box-protocol.js";
import type { PlanExtra } from "./box-plan.js";
import { Command, StartTLS, type ProtocolSwitchCommand } from "./command.js";
import {
  AmpProtocolError,
  InvalidSignature,
  OnlyOneTLS,
  ProtocolSwitched,
  RemoteAmpError,
  TLSUnsupportedError,
  UnhandledCommand,
} from "./errors.js";
import { pyBytesRepr } from "./py-repr.js";
import { SPECIAL, finishResponder, massageError, special, wrapResponder, type OutgoingBox } from "./responder-support.js";

const debug = createDebug("torsion:amp:amp");

/** The wire codes Twisted reserves. */
export const UNKNOWN_ERROR_CODE = "UNKNOWN";
export const UNHANDLED_ERROR_CODE = "UNHANDLED";

/** Context of the report made when a responder fails with an undeclared error. */
export const RESPONDER_FAILED_CONTEXT = "AMP: a responder failed with an undeclared error; answering UNKNOWN and closing the connection";
/** Context of the report made when a failure reaches the end of AMP's chain. */
export const UNHANDLED_FAILURE_CONTEXT = "AMP: failure unhandled by the application; dropping the connection";

/** A responder's result: the value, or a Deferred or promise of it. */
export type Awaitable<T> = T | Deferred<T> | PromiseLike<T>;

/** A typed responder: gets the decoded arguments, returns the response fields. */
export type Responder<A extends Schema, R extends Schema> = (args: OutputOf<A>, amp: AMP) => Awaitable<InputOf<R>>;

/** The responder of a protocol-switch command: returns the protocol to switch to. */
export type SwitchResponder<A extends Schema> = (args: OutputOf<A>, amp: AMP) => Awaitable<IProtocol>;

/** A raw responder: gets the request box, returns the answer box. */
export type BoxResponder = (box: AmpBox) => Awaitable<AmpBox>;

/** A responder registered with {@link AMP.responder}, kept typed so a synchronous answer needs no Deferred. */
interface TypedResponder {
  readonly command: Command;
  readonly fn: (args: OutputOf<Schema>, amp: AMP) => unknown;
}

const NON_ASCII = /[\x80-\uffff]/;

/**
 * The extras of a request plan (`_command`, then the tag as a number), reused by every
 * call: they are read only while the box is written, synchronously.
 */
const REQUEST_EXTRAS: PlanExtra[] = ["", 0];
const ONE_WAY_EXTRAS: PlanExtra[] = [""];
/** The same for an answer plan (`_answer`). */
const ANSWER_EXTRAS: PlanExtra[] = [0];

/**
 * `Deferred.prototype.callback` unbound: read from the prototype, the accessor gives the
 * plain method, so firing an answer makes no bound function (reading `answer.callback`
 * binds one per Deferred). `null` if that ever stops holding (checked once on a probe).
 */
const fireCallback = ((): ((this: Deferred<unknown>, result: unknown) => void) | null => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(deferred) below
  const plain = Deferred.prototype.callback as (this: Deferred<unknown>, result: unknown) => void;
  const probe = new Deferred<unknown>();
  try {
    plain.call(probe, null);
  } catch {
    return null;
  }
  return probe.called ? plain : null;
})();

/** Fires `answer` with `result`. */
function fire(answer: Deferred<unknown>, result: unknown): void {
  if (fireCallback !== null) fireCallback.call(answer, result);
  else answer.callback(result);
}

/**
 * The number a tag this side made stands for (`counter.toString(16)`: lowercase hex, no
 * leading zero, below 2^52), read from the bytes; -1 for any other bytes (not our tag).
 */
function tagNumber(source: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length > 13 || source[start] === 0x30) return -1;
  let value = 0;
  for (let pos = start; pos < end; pos += 1) {
    const byte = source[pos] as number;
    let digit: number;
    if (byte >= 0x30 && byte <= 0x39) digit = byte - 0x30;
    else if (byte >= 0x61 && byte <= 0x66) digit = byte - 0x57;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Finds the raw responder for a command name (Twisted's `IResponderLocator`). */
export interface IResponderLocator {
  /** The responder for `name` (the exact, case-sensitive wire name), or `undefined`. */
  locateResponder(name: string): BoxResponder | undefined;
}

/** What a protocol switch needs from the client side's factory (a `ClientFactory` has all of it). */
export interface ISwitchFactory {
  buildProtocol(address: IAddress): IProtocol | null;
  clientConnectionFailed(connector: null, reason: Failure): void;
  clientConnectionLost(connector: null, reason: Failure): void;
}

/** Options of {@link AMP}. */
export interface AMPOptions extends BinaryBoxProtocolOptions {
  /** Consulted for commands that have no responder registered on the instance. */
  readonly locator?: IResponderLocator;
  /**
   * Twisted closes the connection when a call's failure is still unhandled at the end of
   * its chain. With Promises that is the wrong default (an `await` elsewhere, a late
   * `catch`, ...), so Torsion leaves the connection open and lets the Deferred report the
   * unhandled failure; `true` restores Twisted's behaviour (for wire-level parity tests).
   * @default false
   */
  readonly closeOnUnhandled?: boolean;
  /** Passed to `transport.startTLS(...)` when TLS starts (both sides). */
  readonly tlsOptions?: unknown;
}

/**
 * Twisted's `AMP`: a box protocol that calls remote commands and answers them.
 *
 * - {@link callRemote} sends a command and returns a Deferred (awaitable) of its decoded
 *   response; answers may come in any order (tags pair them up).
 * - Responders are registered per command with {@link responder}, or found through a
 *   {@link IResponderLocator} (`options.locator`).
 * - Errors map as Twisted maps them: a declared error (`errors`) is sent with its code and
 *   rebuilt on the caller's side as the declared class; a fatal one (`fatalErrors`) also
 *   closes the connection; any other failure is sent as `UNKNOWN` (description
 *   `Unknown Error`) and closes the connection; a command with no responder gets
 *   `UNHANDLED` and the connection stays open. A command sent without `_ask` whose
 *   responder fails, or that is unknown, closes the connection.
 * - When the connection is lost every outstanding call fails with the reason, and later
 *   calls fail at once with it.
 * - Bad input (see {@link BinaryBoxProtocol}) drops the connection; outstanding calls then
 *   fail with the typed error ({@link AmpProtocolError}, `TooLong`, ...).
 */
export class AMP extends BinaryBoxProtocol implements IResponderLocator {
  readonly #responders = new Map<string, BoxResponder>();
  readonly #locator: IResponderLocator | null;
  readonly #closeOnUnhandled: boolean;
  readonly #tlsOptions: unknown;
  /** Calls waiting for an answer, by tag number (the wire tag is its lowercase hex). */
  /** Calls waiting for an answer: the Deferred, with the command that parses the answer as its companion. */
  readonly #outstanding = new CallTable<Deferred<unknown>, Command | null>();
  readonly #typed = new Map<string, TypedResponder>();
  #counter = 0;
  #failAllReason: Failure | null = null;
  /** The last command name received (most connections call few commands: the name's string is made once). */
  #lastName = "";

  /** The `_command` value's text. @throws AmpProtocolError (`nonAsciiCommand`) for a byte over 0x7f */
  readonly #commandName = (source: Buffer, start: number, end: number): string => {
    const last = this.#lastName;
    if (last.length === end - start) {
      let same = true;
      for (let i = 0; i < last.length; i += 1) {
        if (last.charCodeAt(i) !== source[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const name = source.toString("latin1", start, end);
    if (NON_ASCII.test(name)) {
      throw new AmpProtocolError("nonAsciiCommand", `a command name that is not ASCII: ${pyBytesRepr(source.subarray(start, end))}`);
    }
    this.#lastName = name;
    return name;
  };

  constructor(options: AMPOptions = {}) {
    super(options);
    this.#locator = options.locator ?? null;
    this.#closeOnUnhandled = options.closeOnUnhandled ?? false;
    this.#tlsOptions = options.tlsOptions;
  }

  /** Tags of calls still waiting for an answer, in sending order. */
  get outstandingTags(): string[] {
    return this.#outstanding.tags().map((tag) => tag.toString(16));
  }

  /**
   * Registers the responder of `command` on this connection (replacing an earlier one).
   * For a protocol-switch command it returns the protocol to switch to.
   */
  responder<A extends Schema, R extends Schema>(command: ProtocolSwitchCommand<A, R>, fn: SwitchResponder<A>): this;
  responder<A extends Schema, R extends Schema, RA extends boolean>(command: Command<A, R, RA>, fn: Responder<A, R>): this;
  responder(command: Command, fn: Responder<Schema, Schema> | SwitchResponder<Schema>): this {
    this.#responders.set(command.commandName, wrapResponder(command, fn, this));
    this.#typed.set(command.commandName, { command, fn: fn as TypedResponder["fn"] });
    return this;
  }

  /** Registers a raw responder for the wire name `name` (boxes in, boxes out). */
  boxResponder(name: string, fn: BoxResponder): this {
    this.#responders.set(name, fn);
    this.#typed.delete(name);
    return this;
  }

  locateResponder(name: string): BoxResponder | undefined {
    const own = this.#responders.get(name) ?? this.#locator?.locateResponder(name);
    if (own !== undefined) return own;
    if (name === StartTLS.commandName && canStartTLS(this.transportOrNull)) return () => special(new AmpBox(), { kind: "tls" });
    return undefined;
  }

  /**
   * Calls `command` on the peer. Resolves to the decoded response (missing optional
   * fields `null`); fails with the declared error class, {@link UnknownRemoteError},
   * {@link UnhandledCommand}, or the connection-lost reason. For a command with
   * `requiresAnswer: false` nothing is returned.
   * @throws InvalidSignature for an argument the command does not declare
   * @throws BadLocalValueError when an argument cannot be encoded (nothing is sent)
   * @throws TooLong / ProtocolSwitched when the box cannot be sent
   */
  callRemote<A extends Schema, R extends Schema, RA extends boolean>(
    command: Command<A, R, RA>,
    args: InputOf<A>,
  ): RA extends false ? void : Deferred<OutputOf<R>>;
  callRemote(command: Command, args: InputOf<Schema>): Deferred<OutputOf<Schema>> | undefined {
    if (command.kind === "protocolSwitch") throw new InvalidSignature(`${command.commandName} switches protocols: use switchProtocol()`);
    const missing = command.checkSignature(args);
    if (missing.length > 0) {
      const error = new InvalidSignature(`forgot ${missing.join(", ")} for ${command.commandName}`);
      if (!command.requiresAnswer) throw error;
      return fail(error);
    }
    if (command.kind === "startTLS") return this.#callStartTLS();
    const plan = command.requestPlan;
    if (plan === null || !this.sendsBoxesItself) {
      const sent = this.#sendBoxCommand(command.commandName, command.makeArguments(args), command.requiresAnswer, command);
      return (sent ?? undefined) as Deferred<OutputOf<Schema>> | undefined;
    }
    // The same steps as #sendBoxCommand, with the box written straight from the arguments.
    const wires = plan.encodeValues(args);
    const requiresAnswer = command.requiresAnswer;
    if (this.#failAllReason !== null) return requiresAnswer ? fail(massageError(command, this.#failAllReason)) : undefined;
    this.#counter += 1;
    const counter = this.#counter;
    this.checkSendable();
    const extras = requiresAnswer ? REQUEST_EXTRAS : ONE_WAY_EXTRAS;
    extras[0] = command.commandName;
    if (requiresAnswer) extras[1] = counter;
    this.writePlanned(plan, wires, extras);
    plan.release(wires);
    return requiresAnswer ? (this.#expect(counter, command) as Deferred<OutputOf<Schema>>) : undefined;
  }

  /**
   * Calls a protocol-switch command: after a successful answer this connection is handed
   * to `factory.buildProtocol(peer)` (bytes after the answer included). Until then no other
   * box may be sent. On an error answer the lock is released and
   * `factory.clientConnectionFailed(null, ConnectionLost)` is called.
   */
  switchProtocol<A extends Schema, R extends Schema>(
    command: ProtocolSwitchCommand<A, R>,
    factory: ISwitchFactory,
    args: InputOf<A>,
  ): Deferred<OutputOf<R>> {
    const missing = command.checkSignature(args);
    if (missing.length > 0) return fail(new InvalidSignature(`forgot ${missing.join(", ")} for ${command.commandName}`));
    const parsed = this.#sendBoxCommand(command.commandName, command.makeArguments(args), true, command) as Deferred<OutputOf<R>>;
    this.lockForSwitch();
    return parsed.addCallbacks<OutputOf<R>>(
      (response) => {
        const protocol = factory.buildProtocol(this.transport.getPeer());
        if (protocol !== null) this.switchTo(protocol, factory);
        return response;
      },
      (failure: Failure) => {
        this.unlockFromSwitch();
        factory.clientConnectionFailed(null, new Failure(new ConnectionLost("protocol switch refused")));
        return failure;
      },
    );
  }

  /**
   * The low-level call: sends `_command: name` with `args` as raw bytes. Returns the
   * Deferred answer box, or `null` when no answer is asked for.
   */
  callRemoteString(
    name: string,
    args: Readonly<Record<string, Uint8Array>> = {},
    options: { readonly requiresAnswer?: boolean } = {},
  ): Deferred<AmpBox> | null {
    const requiresAnswer = options.requiresAnswer ?? true;
    const box = new AmpBox(args);
    return this.#sendBoxCommand(name, box, requiresAnswer, null) as Deferred<AmpBox> | null;
  }

  #callStartTLS(): Deferred<OutputOf<Schema>> {
    if (!canStartTLS(this.transportOrNull))
      return fail(new TLSUnsupportedError("this transport cannot start TLS (TLS transports come with issue 10)"));
    if (this.tlsStarted) throw new OnlyOneTLS("TLS was already started on this connection");
    const parsed = this.#sendBoxCommand(StartTLS.commandName, new AmpBox(), true, StartTLS) as Deferred<OutputOf<Schema>>;
    this.prepareTLS();
    return parsed.addCallbacks<OutputOf<Schema>>(
      (response) => {
        this.startTLS(this.#tlsOptions);
        return response;
      },
      (failure: Failure) => {
        // Twisted keeps buffering forever here. Torsion never sends the held boxes in the
        // clear: if there are any, the connection is closed (their calls fail with the reason).
        if (this.abandonTLS() > 0) this.transportOrNull?.loseConnection();
        return failure;
      },
    );
  }

  /**
   * Sends `box` as the command `name`. Returns the Deferred answer, or `null` when no answer
   * is asked for: with a `command`, its decoded response (errors mapped to its declared
   * classes); without, the answer box (errors mapped as for an undeclared command).
   */
  #sendBoxCommand(name: string, box: AmpBox, requiresAnswer: boolean, command: Command | null): Deferred<unknown> | null {
    if (this.#failAllReason !== null) return requiresAnswer ? fail(massageError(command, this.#failAllReason)) : null;
    box.set("_command", Buffer.from(name, "latin1"));
    this.#counter += 1;
    const counter = this.#counter;
    if (requiresAnswer) box.set("_ask", Buffer.from(counter.toString(16), "latin1"));
    this.sendBox(box);
    if (!requiresAnswer) return null;
    return this.#expect(counter, command);
  }

  #expect(tag: number, command: Command | null): Deferred<unknown> {
    const answer = new Deferred<unknown>();
    this.#outstanding.set(tag, answer, command);
    return answer;
  }

  /** Dispatches one received box: `_answer`, then `_error`, then `_command`; anything else is bad input. */
  override ampBoxReceived(box: AmpBox): void {
    if (box.has("_answer")) this.#answerReceived(box);
    else if (box.has("_error")) this.#errorReceived(box);
    else if (box.has("_command")) this.#commandReceived(box);
    else throw new AmpProtocolError("noEmptyBoxes", `a box without _answer, _error or _command: ${box.toString()}`);
  }

  /** The Deferred of the call answered by `box` (its tag under `key`: `_answer` or `_error`), no longer outstanding; its command is `#outstanding.takenCompanion`. */
  #takeOutstanding(box: AmpBox, key: string): Deferred<unknown> {
    const tag = decodeRange(box, key, tagNumber) as number;
    const answer = tag >= 0 ? this.#outstanding.take(tag) : undefined;
    if (answer === undefined) {
      const text = JSON.stringify(box.getString(key));
      throw new AmpProtocolError("unknownTag", `an answer for tag ${text}, which is not outstanding`);
    }
    if (this.#closeOnUnhandled) answer.addErrback((failure: Failure) => this.#unhandledError(failure));
    return answer;
  }

  #answerReceived(box: AmpBox): void {
    const answer = this.#takeOutstanding(box, "_answer");
    const command = this.#outstanding.takenCompanion;
    if (command === null) {
      fire(answer, box);
      return;
    }
    let response: unknown;
    try {
      response = command.parseResponse(box);
    } catch (error) {
      answer.errback(error);
      return;
    }
    fire(answer, response);
  }

  #errorReceived(box: AmpBox): void {
    const code = box.getString("_error_code");
    const description = box.get("_error_description");
    if (code === undefined || description === undefined) {
      throw new AmpProtocolError("missingErrorCode", "an error box without _error_code or _error_description");
    }
    const answer = this.#takeOutstanding(box, "_error");
    const command = this.#outstanding.takenCompanion;
    const text = description.toString("utf8");
    const error = code === UNHANDLED_ERROR_CODE ? new UnhandledCommand(code, text) : new RemoteAmpError(code, text);
    answer.errback(massageError(command, new Failure(error)));
  }

  #commandReceived(box: AmpBox): void {
    // The tag as a number when it is lowercase hex as Torsion and Twisted write it (the
    // answer then writes the same digits without a string), -1 otherwise, undefined without _ask.
    const askTag = decodeRange(box, "_ask", tagNumber);
    const name = decodeRange(box, "_command", this.#commandName) as string;
    // A responder registered with responder() is called directly (unless locateResponder is overridden).
    const typed = askTag !== undefined && this.locateResponder === AMP.prototype.locateResponder ? this.#typed.get(name) : undefined;
    const answer =
      typed !== undefined
        ? this.#answerTyped(typed, box, askTag !== undefined && askTag >= 0 ? askTag : (box.getString("_ask") as string))
        : this.#dispatchCommand(name, box);
    if (answer === null) return;
    const ask = box.getString("_ask");
    if (ask !== undefined) {
      answer
        .addCallbacks(
          (result: AmpBox) => result.set("_answer", Buffer.from(ask, "latin1")),
          (failure: Failure) => this.#formatError(failure, ask),
        )
        .addCallback((result: AmpBox) => this.#safeEmit(result))
        .addErrback((failure: Failure) => this.#unhandledError(failure));
    } else {
      answer.addErrback((failure: Failure) => this.#unhandledError(failure));
    }
  }

  /**
   * Calls a typed responder. A plain synchronous result is encoded and sent at once (no
   * Deferred; returns `null`); anything else (a Deferred, a promise, a failure, a result
   * that cannot be encoded) returns the Deferred answer box that {@link wrapResponder}'s
   * responder would have returned, for the general path.
   */
  #answerTyped(typed: TypedResponder, box: AmpBox, ask: PlanExtra): Deferred<AmpBox> | null {
    const command = typed.command;
    let args: OutputOf<Schema>;
    try {
      args = command.parseArguments(box);
    } catch (error) {
      return fail(error);
    }
    let result: unknown;
    try {
      result = typed.fn(args, this);
    } catch (error) {
      return finishResponder(command, fail(error));
    }
    const plan = command.answerPlan;
    if (
      plan === null ||
      command.kind !== "command" ||
      typeof result !== "object" ||
      result === null ||
      result instanceof Deferred ||
      result instanceof Failure ||
      typeof (result as { then?: unknown }).then === "function" ||
      !this.sendsBoxesItself
    ) {
      return finishResponder(
        command,
        maybeDeferred((value: unknown) => value, result),
      );
    }
    let wires;
    try {
      wires = plan.encodeValues(result as Readonly<Record<string, unknown>>);
    } catch {
      return finishResponder(command, succeed(result));
    }
    try {
      this.checkSendable();
      ANSWER_EXTRAS[0] = ask;
      this.writePlanned(plan, wires, ANSWER_EXTRAS);
      plan.release(wires);
    } catch (error) {
      if (error instanceof ProtocolSwitched || error instanceof ConnectionLost) debug("answer not sent: %s", error.message);
      else this.#unhandledError(new Failure(error));
    }
    return null;
  }

  #dispatchCommand(name: string, box: AmpBox): Deferred<AmpBox> {
    const responder = this.locateResponder(name);
    if (responder === undefined) {
      const description = `Unhandled Command: ${pyBytesRepr(box.get("_command") as Buffer)}`;
      return fail(
        new RemoteAmpError(UNHANDLED_ERROR_CODE, description, false, { cause: new UnhandledCommand(UNHANDLED_ERROR_CODE, description) }),
      );
    }
    return maybeDeferred(responder, box);
  }

  #formatError(failure: Failure, ask: string): AmpBox {
    const error = failure.value;
    let box = new AmpBox();
    let code: string;
    let description: string;
    if (error instanceof RemoteAmpError) {
      code = error.errorCode;
      description = error.description;
      if (error.fatal) box = special(box, { kind: "quit" });
    } else {
      reportError(failure, RESPONDER_FAILED_CONTEXT);
      box = special(box, { kind: "quit" });
      code = UNKNOWN_ERROR_CODE;
      description = "Unknown Error";
    }
    box.set("_error", Buffer.from(ask, "latin1"));
    box.set("_error_code", Buffer.from(code, "latin1"));
    box.set("_error_description", Buffer.from(description, "utf8"));
    return box;
  }

  #safeEmit(box: AmpBox): void {
    const what = (box as OutgoingBox)[SPECIAL];
    try {
      this.sendBox(box);
    } catch (error) {
      if (error instanceof ProtocolSwitched || error instanceof ConnectionLost) {
        debug("answer not sent: %s", (error as Error).message);
        return;
      }
      throw error;
    }
    if (what === undefined) return;
    if (what.kind === "quit") this.transportOrNull?.loseConnection();
    else if (what.kind === "tls") this.startTLS(this.#tlsOptions);
    else {
      this.lockForSwitch();
      this.switchTo(what.protocol);
    }
  }

  #unhandledError(failure: Failure): void {
    reportError(failure, UNHANDLED_FAILURE_CONTEXT);
    this.transportOrNull?.loseConnection();
  }

  override stopReceivingBoxes(reason: Failure): void {
    this.#failAllReason = reason;
    const outstanding = this.#outstanding.clear();
    for (const [answer, command] of outstanding) answer.errback(massageError(command, reason));
  }
}
