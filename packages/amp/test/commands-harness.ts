/**
 * The replay harness of the amp-commands vectors (FORMAT-wave2.md §4): a client AMP and a
 * server AMP, each on a recording fake transport, driven by the vector's ops.
 */
import { ConnectionDone, Protocol, type IAddress, type IProtocol } from "@torsion/core";
import { Deferred, Failure, type ErrorClass } from "@torsion/defer";
import {
  AMP,
  AmpProtocolError,
  BadLocalValueError,
  BadValueError,
  Command,
  InvalidSignature,
  MissingKeyError,
  OnlyOneTLS,
  ProtocolSwitchCommand,
  ProtocolSwitched,
  StartTLS,
  TooLong,
  UnhandledCommand,
  UnknownRemoteError,
  type AMPOptions,
  type ErrorMap,
} from "@torsion/amp";
import { RecordingTransport } from "./binary-box-decoder.test.js";
import { b64, unb64, type OracleEvent, type OracleVector } from "./oracle.js";
import { objectFromJson, objectToJson, schemaOf, type TypeSpec } from "./type-spec.js";

type Plan =
  | { kind: "answer"; response: Record<string, unknown> }
  | { kind: "raise"; exception: string; message: string }
  | { kind: "later"; then: Plan }
  | { kind: "switch" };

interface CommandSpec {
  commandName: string;
  arguments: [string, TypeSpec][];
  response: [string, TypeSpec][];
  errors: [string, string][];
  fatalErrors: [string, string][];
  requiresAnswer: boolean;
  serverKnows: boolean;
  special?: "StartTLS" | "ProtocolSwitch";
  responses: Plan[];
}

interface CommandsConfig {
  exceptions: { name: string; base?: string }[];
  commands: CommandSpec[];
}

class TLSRecordingTransport extends RecordingTransport {
  startTLS(_options: unknown): void {
    this.events.push([`${this.prefix}startTLS`]);
  }
}

class RecordingInner extends Protocol {
  constructor(
    readonly events: OracleEvent[],
    readonly side: string,
  ) {
    super();
  }
  override connectionMade(): void {
    this.events.push([`${this.side}inner.connectionMade`]);
  }
  override dataReceived(data: Buffer): void {
    this.events.push([`${this.side}inner.data`, b64(data)]);
  }
  override connectionLost(reason: Failure): void {
    this.events.push([`${this.side}inner.connectionLost`, reason.value.name]);
  }
}

/** The Twisted names a Torsion error stands for (the first is used when none matches the vector). */
export function twistedNames(error: Error, exceptions: ReadonlyMap<string, ErrorClass>): string[] {
  for (const [name, type] of exceptions) if (error.constructor === type) return [name];
  if (error instanceof AmpProtocolError) {
    return {
      noEmptyBoxes: ["NoEmptyBoxes"],
      unknownTag: ["KeyError"],
      missingErrorCode: ["KeyError"],
      nonAsciiCommand: ["UnicodeDecodeError"],
      unhandledNoAnswer: ["UnhandledCommand"],
    }[error.reason];
  }
  if (error instanceof MissingKeyError) return ["KeyError"];
  if (error instanceof BadValueError || error instanceof BadLocalValueError)
    return ["ValueError", "TypeError", "UnicodeDecodeError", "InvalidOperation", "UnicodeEncodeError"];
  if (error instanceof TooLong) return ["TooLong"];
  if (error instanceof InvalidSignature) return ["InvalidSignature"];
  if (error instanceof ProtocolSwitched) return ["ProtocolSwitched"];
  if (error instanceof OnlyOneTLS) return ["OnlyOneTLS"];
  if (error instanceof UnknownRemoteError) return ["UnknownRemoteError"];
  if (error instanceof UnhandledCommand) return ["UnhandledCommand"];
  if (error instanceof ConnectionDone) return ["ConnectionDone"];
  return [error.name];
}

/** One replay: returns the events, the per-op event ends and the final state. */
export class CommandsReplay {
  readonly events: OracleEvent[] = [];
  readonly opEnds: number[] = [];
  readonly exceptions = new Map<string, ErrorClass>();
  readonly commands: Command[] = [];
  readonly specs: CommandSpec[];
  readonly client: AMP;
  readonly server: AMP;
  readonly clientTransport: TLSRecordingTransport;
  readonly serverTransport: TLSRecordingTransport;
  readonly #lost = { c: false, s: false };
  readonly #pendingError: { c: Error | null; s: Error | null } = { c: null, s: null };
  readonly #later: { deferred: Deferred<unknown>; plan: Plan; command: number }[] = [];
  #expected: OracleEvent[] = [];

  constructor(
    readonly vector: OracleVector,
    options: AMPOptions = { closeOnUnhandled: true, coalesceWrites: false },
  ) {
    const config = vector.config as unknown as CommandsConfig;
    this.specs = config.commands;
    for (const { name, base } of config.exceptions) {
      const Base = (base === undefined ? Error : this.exceptions.get(base)) as new (message?: string) => Error;
      const type = {
        [name]: class extends Base {
          override name = name;
        },
      }[name] as ErrorClass;
      this.exceptions.set(name, type);
    }
    for (const spec of this.specs) this.commands.push(this.#define(spec));
    // The nested AMP subclass records into this harness; inside its methods `this` is the protocol.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- see the line above
    const replay = this;
    class Side extends AMP {
      constructor(readonly side: "c" | "s") {
        super(options);
      }
      override badInput(error: Error): void {
        if (error instanceof TooLong) {
          super.badInput(error);
          return;
        }
        replay.#pendingError[this.side] = error;
        const names = twistedNames(error, replay.exceptions);
        replay.events.push([`${this.side}:raises`, replay.#pick(`${this.side}:raises`, names)]);
      }
    }
    this.client = new Side("c");
    this.server = new Side("s");
    this.clientTransport = new TLSRecordingTransport(this.events, "c:");
    this.serverTransport = new TLSRecordingTransport(this.events, "s:");
    this.specs.forEach((spec, index) => this.#serve(spec, index));
    this.client.makeConnection(this.clientTransport);
    this.server.makeConnection(this.serverTransport);
  }

  /** Chooses, among the names an error stands for, the one the vector expects next for `event`. */
  #pick(event: string, names: string[]): string {
    const next = this.#expected.find((e, i) => i >= this.events.length && e[0] === event);
    const wanted = next?.[event.endsWith("failure") || (event.endsWith("raises") && next.length > 2) ? 2 : 1];
    return typeof wanted === "string" && names.includes(wanted) ? wanted : (names[0] as string);
  }

  #errors(pairs: [string, string][]): ErrorMap {
    return Object.fromEntries(pairs.map(([name, code]) => [unb64(code).toString("latin1"), this.exceptions.get(name) as ErrorClass]));
  }

  #define(spec: CommandSpec): Command {
    if (spec.special === "StartTLS") return StartTLS;
    const definition = {
      commandName: spec.commandName,
      arguments: schemaOf(spec.arguments),
      response: schemaOf(spec.response),
      errors: this.#errors(spec.errors),
      fatalErrors: this.#errors(spec.fatalErrors),
      requiresAnswer: spec.requiresAnswer,
    };
    return spec.special === "ProtocolSwitch" ? ProtocolSwitchCommand.define(definition) : Command.define(definition);
  }

  #settle(plan: Plan, spec: CommandSpec): unknown {
    if (plan.kind === "answer") return objectFromJson(spec.response, plan.response);
    if (plan.kind === "switch") return new RecordingInner(this.events, "s:");
    if (plan.kind === "raise") {
      const Type = (this.exceptions.get(plan.exception) ?? Error) as new (message: string) => Error;
      throw new Type(plan.message);
    }
    return undefined;
  }

  #serve(spec: CommandSpec, index: number): void {
    if (!spec.serverKnows || spec.special === "StartTLS") return;
    let invocation = 0;
    const command = this.commands[index] as Command;
    this.server.responder(command, (args) => {
      this.events.push(["s:responder", index, objectToJson(spec.arguments, args)]);
      const plan = spec.responses[invocation++];
      if (plan === undefined) return {};
      if (plan.kind === "later") {
        const deferred = new Deferred<unknown>();
        this.#later.push({ deferred, plan: plan.then, command: index });
        return deferred;
      }
      return this.#settle(plan, spec) as Record<string, unknown>;
    });
  }

  #factory() {
    return {
      buildProtocol: (_address: IAddress): IProtocol => new RecordingInner(this.events, "c:"),
      clientConnectionFailed: (_c: null, reason: Failure) => this.events.push(["c:factory.clientConnectionFailed", reason.value.name]),
      clientConnectionLost: (_c: null, reason: Failure) => this.events.push(["c:factory.clientConnectionLost", reason.value.name]),
    };
  }

  #call(callId: number, index: number, rawArgs: Record<string, unknown>, handled: boolean): void {
    const spec = this.specs[index] as CommandSpec;
    const command = this.commands[index] as Command;
    const args = objectFromJson(spec.arguments, rawArgs);
    let result: Deferred<Record<string, unknown>> | void;
    try {
      result =
        spec.special === "ProtocolSwitch"
          ? this.client.switchProtocol(command as unknown as ProtocolSwitchCommand, this.#factory(), args)
          : this.client.callRemote(command, args);
    } catch (error) {
      this.events.push(["c:raises", callId, this.#pick("c:raises", twistedNames(error as Error, this.exceptions))]);
      return;
    }
    if (result === undefined) return;
    result.addCallbacks(
      (response) => {
        this.events.push(["c:answer", callId, objectToJson(spec.response, response)]);
      },
      (failure: Failure) => {
        const error = failure.value;
        let detail: Record<string, unknown> = {};
        if (error instanceof UnknownRemoteError)
          detail = { errorCode: b64(Buffer.from(error.errorCode, "latin1")), description: error.description };
        else if (error instanceof UnhandledCommand) detail = { args: [b64(Buffer.from(error.errorCode, "latin1")), error.description] };
        else if ([...this.exceptions.values()].some((type) => error.constructor === type)) detail = { args: [error.message] };
        this.events.push(["c:failure", callId, this.#pick("c:failure", twistedNames(error, this.exceptions)), detail]);
        return handled ? undefined : failure;
      },
    );
  }

  #lose(side: "c" | "s", reason: Error): void {
    if (this.#lost[side]) return;
    this.#lost[side] = true;
    (side === "c" ? this.client : this.server).connectionLost(new Failure(reason));
  }

  #data(side: "c" | "s", chunks: string[]): void {
    const protocol = side === "c" ? this.client : this.server;
    for (const chunk of chunks) {
      if (this.#lost[side]) return;
      protocol.dataReceived(unb64(chunk));
      const error = this.#pendingError[side];
      if (error !== null) {
        this.#pendingError[side] = null;
        this.#lose(side, error);
      }
    }
  }

  run(): void {
    this.#expected = this.vector.events;
    for (const op of this.vector.ops as unknown[][]) {
      const name = op[0] as string;
      if (name === "call")
        this.#call(
          op[1] as number,
          op[2] as number,
          op[3] as Record<string, unknown>,
          (op[4] as { handled?: boolean } | undefined)?.handled !== false,
        );
      else if (name === "s:data" || name === "c:data") this.#data(name[0] as "c" | "s", op[1] as string[]);
      else if (name === "c:lost" || name === "s:lost") this.#lose(name[0] as "c" | "s", new ConnectionDone());
      else if (name === "s:release") {
        const entry = this.#later[op[1] as number];
        if (entry !== undefined) {
          try {
            entry.deferred.callback(this.#settle(entry.plan, this.specs[entry.command] as CommandSpec));
          } catch (error) {
            entry.deferred.errback(error);
          }
        }
      } else if (name === "s:innerWrite") this.serverTransport.write(unb64(op[1] as string));
      else if (name === "c:innerWrite" || name === "c:rawWrite") this.clientTransport.write(unb64(op[1] as string));
      else throw new Error(`unknown op ${name}`);
      this.opEnds.push(this.events.length);
    }
  }

  final(): Record<string, unknown> {
    return {
      clientOutstanding: this.client.outstandingTags.map((tag) => b64(Buffer.from(tag, "latin1"))).sort(),
      clientConnected: this.#lost.c ? 0 : 1,
      serverConnected: this.#lost.s ? 0 : 1,
    };
  }
}
