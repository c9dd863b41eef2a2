/**
 * Helpers of {@link AMP}: the markers of answers with an effect after sending (close,
 * start TLS, switch protocols), Twisted's error massaging on the caller's side, and the
 * wrapping of a typed responder into a box responder.
 */
import type { IProtocol } from "@torsion/core";
import { Failure, maybeDeferred, type Deferred } from "@torsion/defer";
import { AmpBox } from "./amp-box.js";
import type { AMP, Awaitable, BoxResponder, Responder, SwitchResponder } from "./amp.js";
import type { InputOf, OutputOf, Schema } from "./argument.js";
import type { Command } from "./command.js";
import { BadLocalReturn, RemoteAmpError, UnknownRemoteError } from "./errors.js";

export const SPECIAL = Symbol("torsion.amp.special");

export type Special = { readonly kind: "quit" } | { readonly kind: "tls" } | { readonly kind: "switch"; readonly protocol: IProtocol };

export type OutgoingBox = AmpBox & { [SPECIAL]?: Special };

export function special(box: AmpBox, value: Special): AmpBox {
  (box as OutgoingBox)[SPECIAL] = value;
  return box;
}

/** Maps a received error to the command's declared class, or UnknownRemoteError (Twisted's `_massageError`). */
export function massageError(command: Command | null, failure: Failure): Failure {
  const error = failure.value;
  if (!(error instanceof RemoteAmpError)) return failure;
  const type = command?.errorClassFor(error.errorCode);
  if (type === undefined) return new Failure(new UnknownRemoteError(error.description, error.errorCode));
  return new Failure(new (type as new (message: string) => Error)(error.description));
}

export function wrapResponder(command: Command, fn: Responder<Schema, Schema> | SwitchResponder<Schema>, amp: AMP): BoxResponder {
  return (box: AmpBox) => {
    const args = command.parseArguments(box);
    return finishResponder(command, maybeDeferred(fn as (a: OutputOf<Schema>, amp: AMP) => Awaitable<unknown>, args, amp));
  };
}

/**
 * The rest of a typed responder's work once it returned or failed (`outcome`): the answer
 * box for its result, or its failure with a declared error mapped to its code.
 */
export function finishResponder(command: Command, outcome: Deferred<unknown>): Deferred<AmpBox> {
  return (
    outcome
      .addCallback((result: unknown) => makeResponseFor(command, result))
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-arguments -- `never` is the default but inference would pick `Failure`
      .addErrback<never>((failure: Failure) => {
        const declared = command.declaredError(failure.value);
        if (declared === null) return failure;
        return new Failure(new RemoteAmpError(declared.errorCode, failure.value.message, declared.fatal, { cause: failure.value }));
      })
  );
}

function makeResponseFor(command: Command, result: unknown): AmpBox {
  if (command.kind === "protocolSwitch") {
    if (typeof result !== "object" || result === null || typeof (result as IProtocol).makeConnection !== "function") {
      throw new BadLocalReturn(`the responder of ${command.commandName} must return a protocol`);
    }
    return special(new AmpBox(), { kind: "switch", protocol: result as IProtocol });
  }
  try {
    const box = command.makeResponse(result as InputOf<Schema>);
    return command.kind === "startTLS" ? special(box, { kind: "tls" }) : box;
  } catch (error) {
    throw new BadLocalReturn(
      `the responder of ${command.commandName} returned a value that cannot be serialized: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
