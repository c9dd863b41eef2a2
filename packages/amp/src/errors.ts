/**
 * The errors of `@torsion/amp`. Names follow Twisted's `twisted.protocols.amp` where Twisted
 * has a class; errors Twisted reports with a built-in Python exception (`KeyError`,
 * `ValueError`, `UnicodeDecodeError`, ...) get a specific typed error here, named in the
 * TSDoc of each class.
 */
import { DecodeError } from "@torsion/core";
import { TorsionError } from "@torsion/defer";

/** The base of every AMP error that is not a decode error. */
export class AmpError extends TorsionError {
  override name = "AmpError";
  override readonly code: string = "ERR_AMP";
}

/**
 * A key over 255 bytes or a value over 65535 bytes (Twisted's `TooLong`). `isLocal` is
 * true when this side tried to send it (thrown by {@link AmpBox.serialize}) and false when
 * the peer sent a key length over 255 (the decoder throws it and the connection is closed).
 */
export class TooLong extends DecodeError {
  override name = "TooLong";
  override readonly code: string = "ERR_AMP_TOO_LONG";
  constructor(
    readonly isKey: boolean,
    readonly isLocal: boolean,
    /** The key whose value is too long (latin1 string of its bytes), or `null` for a key. */
    readonly keyName: string | null = null,
    /** The offending length in bytes. */
    readonly length: number | null = null,
  ) {
    super(
      `${isLocal ? "local" : "remote"} ${isKey ? "key" : `value of key ${JSON.stringify(keyName)}`} too long` +
        (length === null ? "" : ` (${length} bytes, limit ${isKey ? 255 : 65535})`),
    );
  }
}

/** The peer sent a box bigger than the decoder's `maxBoxLength` (a Torsion limit; Twisted has none). */
export class BoxTooLargeError extends DecodeError {
  override name = "BoxTooLargeError";
  override readonly code: string = "ERR_AMP_BOX_TOO_LARGE";
}

/** A box key that cannot be sent: empty (it would end the box for the reader) or non-ASCII text. */
export class InvalidKeyError extends AmpError {
  override name = "InvalidKeyError";
  override readonly code: string = "ERR_AMP_INVALID_KEY";
}

/**
 * The peer broke the AMP protocol: a box with none of `_answer`, `_error`, `_command`
 * (Twisted's `NoEmptyBoxes`), an answer or error for a tag that is not outstanding
 * (Twisted's `KeyError`), an error box without `_error_code`, or a command name that is
 * not ASCII (Twisted's `UnicodeDecodeError`). The connection is dropped and outstanding
 * calls fail with this error. `reason` says which.
 */
export class AmpProtocolError extends AmpError {
  override name = "AmpProtocolError";
  override readonly code: string = "ERR_AMP_PROTOCOL";
  constructor(
    readonly reason: "noEmptyBoxes" | "unknownTag" | "missingErrorCode" | "nonAsciiCommand" | "unhandledNoAnswer",
    message: string,
  ) {
    super(message);
  }
}

/** `callRemote` was given a missing or unknown argument (Twisted's `InvalidSignature`). */
export class InvalidSignature extends AmpError {
  override name = "InvalidSignature";
  override readonly code: string = "ERR_AMP_INVALID_SIGNATURE";
}

/**
 * A required key is missing from a received box: an answer without a response field, or
 * an `AmpList` element without a field (Twisted's `KeyError`).
 */
export class MissingKeyError extends AmpError {
  override name = "MissingKeyError";
  override readonly code: string = "ERR_AMP_MISSING_KEY";
  constructor(readonly key: string) {
    super(`missing required key ${JSON.stringify(key)}`);
  }
}

/**
 * A value received on the wire is not valid for its argument type (Twisted's `ValueError`,
 * `TypeError`, `UnicodeDecodeError` or `decimal.InvalidOperation`). `argumentType` names the type.
 */
export class BadValueError extends AmpError {
  override name = "BadValueError";
  override readonly code: string = "ERR_AMP_BAD_VALUE";
  constructor(
    readonly argumentType: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${argumentType}: ${message}`, options);
  }
}

/** A value given locally cannot be encoded by its argument type (nothing is sent). */
export class BadLocalValueError extends AmpError {
  override name = "BadLocalValueError";
  override readonly code: string = "ERR_AMP_BAD_LOCAL_VALUE";
  constructor(
    readonly argumentType: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${argumentType}: ${message}`, options);
  }
}

/**
 * An error to send to the peer with an explicit code (Twisted's `RemoteAmpError`). A
 * responder may throw it; it is also the base of the errors rebuilt from error boxes.
 */
export class RemoteAmpError extends AmpError {
  override name = "RemoteAmpError";
  override readonly code: string = "ERR_AMP_REMOTE";
  constructor(
    /** The wire error code (ASCII). */
    readonly errorCode: string,
    readonly description: string,
    /** When true the connection is closed after the error box is sent. */
    readonly fatal = false,
    options?: ErrorOptions,
  ) {
    super(`Code<${errorCode}>: ${description}`, options);
  }
}

/**
 * The peer answered with an error code the command does not declare (Twisted's
 * `UnknownRemoteError`). As in Twisted, `errorCode` is always `UNKNOWN`;
 * `remoteErrorCode` keeps the code the peer actually sent.
 */
export class UnknownRemoteError extends AmpError {
  override name = "UnknownRemoteError";
  override readonly code: string = "ERR_AMP_UNKNOWN_REMOTE";
  readonly errorCode = "UNKNOWN";
  constructor(
    readonly description: string,
    /** The code the peer sent (`UNKNOWN` for an undeclared exception on its side). */
    readonly remoteErrorCode = "UNKNOWN",
  ) {
    super(description);
  }
}

/** The peer has no responder for the command (Twisted's `UnhandledCommand`, code `UNHANDLED`). */
export class UnhandledCommand extends AmpError {
  override name = "UnhandledCommand";
  override readonly code: string = "ERR_AMP_UNHANDLED_COMMAND";
  constructor(
    readonly errorCode: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** A responder's result could not be serialized (Twisted's `BadLocalReturn`; sent as `UNKNOWN`). */
export class BadLocalReturn extends AmpError {
  override name = "BadLocalReturn";
  override readonly code: string = "ERR_AMP_BAD_LOCAL_RETURN";
}

/** The connection switched (or is switching) to another protocol: no more AMP traffic (Twisted's `ProtocolSwitched`). */
export class ProtocolSwitched extends AmpError {
  override name = "ProtocolSwitched";
  override readonly code: string = "ERR_AMP_PROTOCOL_SWITCHED";
}

/** A second `StartTLS` on a connection that already started TLS (Twisted's `OnlyOneTLS`). */
export class OnlyOneTLS extends AmpError {
  override name = "OnlyOneTLS";
  override readonly code: string = "ERR_AMP_ONLY_ONE_TLS";
}

/** The transport cannot start TLS (it has no `startTLS` method). */
export class TLSUnsupportedError extends AmpError {
  override name = "TLSUnsupportedError";
  override readonly code: string = "ERR_AMP_TLS_UNSUPPORTED";
}

/** The peer closed the connection right after TLS started, before sending anything (Twisted's `PeerVerifyError`). */
export class PeerVerifyError extends AmpError {
  override name = "PeerVerifyError";
  override readonly code: string = "ERR_AMP_PEER_VERIFY";
}

/**
 * An argument type Torsion cannot carry: `Descriptor` needs `SCM_RIGHTS` file-descriptor
 * passing over a Unix socket, which Node's `net` module does not offer.
 */
export class ArgumentUnsupportedError extends AmpError {
  override name = "ArgumentUnsupportedError";
  override readonly code: string = "ERR_AMP_ARGUMENT_UNSUPPORTED";
}

/** An invalid command definition given to `Command.define` (bad name, duplicate code, ...). */
export class InvalidCommandError extends AmpError {
  override name = "InvalidCommandError";
  override readonly code: string = "ERR_AMP_INVALID_COMMAND";
}
