import type { ErrorClass } from "@torsion/defer";
import { AmpBox } from "./amp-box.js";
import type { Argument, EmptySchema, InputOf, OutputOf, Schema } from "./argument.js";
import { BoxPlan } from "./box-plan.js";
import { InvalidCommandError, InvalidSignature } from "./errors.js";
import { decodeFields, encodeSchema } from "./list-arguments.js";

/** Error classes by wire code (ASCII), as declared on a command. */
export type ErrorMap = Readonly<Record<string, ErrorClass>>;

/** What {@link Command.define} takes. */
export interface CommandDefinition<A extends Schema, R extends Schema, RA extends boolean> {
  /** The wire name (ASCII, case-sensitive). */
  readonly commandName: string;
  /** Argument types by wire name. @default {} */
  readonly arguments?: A;
  /** Response field types by wire name. @default {} */
  readonly response?: R;
  /**
   * Declared errors by wire code: a responder throwing an instance of the class (or of a
   * subclass) sends that code with the error's message; the caller gets `new Class(message)`.
   */
  readonly errors?: ErrorMap;
  /** The same, but the connection is closed after the error is sent. */
  readonly fatalErrors?: ErrorMap;
  /** False: no answer is asked for (`callRemote` returns nothing). @default true */
  readonly requiresAnswer?: RA;
}

/** The special behaviours Twisted gives `StartTLS` and `ProtocolSwitchCommand` subclasses. */
export type CommandKind = "command" | "startTLS" | "protocolSwitch";

const ASCII_NAME = /^[\x21-\x7e]+$/;
const ASCII = /^[^\x80-\uffff]*$/;
const NONE_MISSING: readonly string[] = Object.freeze([]);

/** A declared error found for a thrown value: its wire code and whether it is fatal. */
export interface DeclaredError {
  readonly errorCode: string;
  readonly fatal: boolean;
}

/**
 * One AMP command as typed data (Twisted's `Command` subclass). Build one with
 * {@link Command.define}; its argument and response schemas give `callRemote` and
 * responders their TypeScript types.
 *
 * @typeParam A - argument schema. @typeParam R - response schema.
 * @typeParam RA - whether an answer is asked for.
 */
export class Command<A extends Schema = Schema, R extends Schema = Schema, RA extends boolean = boolean> {
  readonly commandName: string;
  readonly arguments: A;
  readonly response: R;
  readonly errors: ErrorMap;
  readonly fatalErrors: ErrorMap;
  readonly requiresAnswer: RA;
  readonly kind: CommandKind;
  /** True only for {@link ProtocolSwitchCommand}s (a type-level marker as well). */
  readonly switchesProtocol: boolean = false;
  readonly #reverse = new Map<string, ErrorClass>();
  readonly #required: readonly string[];
  /** The argument names (own keys of `arguments`), for {@link checkSignature}. */
  readonly #argumentNames: ReadonlySet<string>;
  readonly #argumentFields: readonly (readonly [string, Argument])[];
  readonly #responseFields: readonly (readonly [string, Argument])[];
  #requestPlan: BoxPlan | null | undefined;
  #answerPlan: BoxPlan | null | undefined;

  protected constructor(definition: CommandDefinition<A, R, RA>, kind: CommandKind) {
    const name = definition.commandName;
    if (typeof name !== "string" || !ASCII_NAME.test(name) || name.length > 65535) {
      throw new InvalidCommandError(`commandName must be non-empty printable ASCII, got ${JSON.stringify(name)}`);
    }
    this.commandName = name;
    this.arguments = (definition.arguments ?? {}) as A;
    this.response = (definition.response ?? {}) as R;
    this.errors = definition.errors ?? {};
    this.fatalErrors = definition.fatalErrors ?? {};
    this.requiresAnswer = (definition.requiresAnswer ?? true) as RA;
    this.kind = kind;
    for (const key of [...Object.keys(this.arguments), ...Object.keys(this.response)]) {
      if (key.length === 0 || key.length > 255 || !ASCII.test(key))
        throw new InvalidCommandError(`invalid field name ${JSON.stringify(key)}`);
    }
    this.#argumentFields = Object.entries(this.arguments);
    this.#argumentNames = new Set(Object.keys(this.arguments));
    this.#responseFields = Object.entries(this.response);
    this.#required = Object.entries(this.arguments)
      .filter(([, argument]) => !argument.optional)
      .map(([name]) => name);
    for (const map of [this.errors, this.fatalErrors]) {
      for (const [code, type] of Object.entries(map)) {
        if (!ASCII_NAME.test(code)) throw new InvalidCommandError(`error codes must be printable ASCII, got ${JSON.stringify(code)}`);
        if (this.#reverse.has(code)) throw new InvalidCommandError(`error code ${code} is declared twice`);
        this.#reverse.set(code, type);
      }
    }
  }

  /**
   * Defines a command.
   * @example
   * ```ts
   * const Sum = Command.define({
   *   commandName: "Sum",
   *   arguments: { a: Integer(), b: Integer() },
   *   response: { total: Integer() },
   *   errors: { ZERO_DIVISION: ZeroDivision },
   * });
   * const { total } = await amp.callRemote(Sum, { a: 1, b: 2 }); // total: number
   * ```
   */
  static define<const A extends Schema = EmptySchema, const R extends Schema = EmptySchema, const RA extends boolean = true>(
    definition: CommandDefinition<A, R, RA>,
  ): Command<A, R, RA> {
    return new Command(definition, "command");
  }

  /** The declared error `error` matches (by `instanceof`, so subclasses match), errors before fatal ones; or `null`. */
  declaredError(error: unknown): DeclaredError | null {
    for (const [errorCode, type] of Object.entries(this.errors)) if (error instanceof type) return { errorCode, fatal: false };
    for (const [errorCode, type] of Object.entries(this.fatalErrors)) if (error instanceof type) return { errorCode, fatal: true };
    return null;
  }

  /** The declared class for a received error code, or `undefined`. */
  errorClassFor(errorCode: string): ErrorClass | undefined {
    return this.#reverse.get(errorCode);
  }

  /**
   * Checks `values` against the argument schema.
   * @returns the names of missing required arguments
   * @throws InvalidSignature for a name that is not an argument (Twisted raises it at once)
   */
  checkSignature(values: Readonly<Record<string, unknown>>): readonly string[] {
    const names = this.#argumentNames;
    for (const name in values) {
      if (names.has(name) || !Object.hasOwn(values, name)) continue;
      if (values[name] !== undefined) throw new InvalidSignature(`${name} is not a valid argument`);
    }
    let missing: string[] | null = null;
    for (const name of this.#required) {
      if (values[name] === undefined || values[name] === null) (missing ??= []).push(name);
    }
    return missing ?? NONE_MISSING;
  }

  /**
   * Internal: the plan writing this command's request boxes (`_command` and, when an answer
   * is asked for, `_ask` as extras), or `null` when the schema itself uses one of those keys.
   */
  get requestPlan(): BoxPlan | null {
    if (this.#requestPlan === undefined) {
      const extras = this.requiresAnswer ? ["_command", "_ask"] : ["_command"];
      this.#requestPlan = BoxPlan.fits(this.arguments, extras) ? new BoxPlan(this.arguments, extras) : null;
    }
    return this.#requestPlan;
  }

  /** Internal: the plan writing this command's answer boxes (`_answer` as the extra), or `null`. */
  get answerPlan(): BoxPlan | null {
    if (this.#answerPlan === undefined) {
      this.#answerPlan = BoxPlan.fits(this.response, ["_answer"]) ? new BoxPlan(this.response, ["_answer"]) : null;
    }
    return this.#answerPlan;
  }

  /** The request box for `values` (without `_command`/`_ask`). @throws BadLocalValueError */
  makeArguments(values: InputOf<A>): AmpBox {
    return encodeSchema(this.arguments, values, new AmpBox());
  }

  /** The arguments carried by a request box (extra keys ignored). @throws MissingKeyError, BadValueError */
  parseArguments(box: AmpBox): OutputOf<A> {
    return decodeFields(this.#argumentFields, box) as OutputOf<A>;
  }

  /** The answer box for a responder's result (extra keys ignored). @throws MissingKeyError, BadLocalValueError */
  makeResponse(values: InputOf<R>): AmpBox {
    // `as unknown`: responders written in plain JavaScript may return anything.
    if (typeof (values as unknown) !== "object" || (values as unknown) === null)
      throw new InvalidSignature(`a responder of ${this.commandName} must return an object`);
    return encodeSchema(this.response, values, new AmpBox());
  }

  /** The response fields of an answer box (extra keys ignored). @throws MissingKeyError, BadValueError */
  parseResponse(box: AmpBox): OutputOf<R> {
    return decodeFields(this.#responseFields, box) as OutputOf<R>;
  }

  toString(): string {
    return `Command(${this.commandName})`;
  }
}

/**
 * A command whose successful answer switches the connection to another protocol (Twisted's
 * `ProtocolSwitchCommand`). Call it with `amp.switchProtocol(cmd, factory, args)`; its
 * responder returns the protocol the server side switches to.
 */
export class ProtocolSwitchCommand<A extends Schema = Schema, R extends Schema = Schema> extends Command<A, R, true> {
  override readonly switchesProtocol = true as const;

  static override define<const A extends Schema = EmptySchema, const R extends Schema = EmptySchema, const RA extends boolean = true>(
    definition: CommandDefinition<A, R, RA>,
  ): Command<A, R, RA> & ProtocolSwitchCommand<A, R> {
    if (definition.requiresAnswer === false) throw new InvalidCommandError("a protocol switch needs an answer");
    return new ProtocolSwitchCommand<A, R>(definition as CommandDefinition<A, R, true>, "protocolSwitch") as Command<A, R, RA> &
      ProtocolSwitchCommand<A, R>;
  }
}

class StartTLSCommand extends Command<EmptySchema, EmptySchema, true> {
  static create(): StartTLSCommand {
    return new StartTLSCommand({ commandName: "StartTLS" }, "startTLS");
  }
}

/**
 * Twisted's `StartTLS`: asks the peer to start TLS on this connection. The box carries no
 * arguments (the certificate options are local: `AMPOptions.tlsOptions`). The caller's
 * later boxes are held until the answer, then TLS starts and they are sent.
 */
export const StartTLS: Command<EmptySchema, EmptySchema, true> = StartTLSCommand.create();
