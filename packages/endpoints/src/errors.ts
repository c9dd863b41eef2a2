/**
 * The errors of `@torsion/endpoints`. Description errors map onto the Python exceptions
 * Twisted raises for the same strings: `EndpointSyntaxError` (Twisted leaks a
 * `RuntimeError`), `UnknownEndpointTypeError` and `EndpointValueError` (`ValueError`),
 * `EndpointArgumentError` (`TypeError`).
 */
import { TorsionError } from "@torsion/defer";
import { TLSNotLoadedError } from "@torsion/core";

/** Base of every error about an endpoint description string. */
export class EndpointDescriptionError extends TorsionError {
  override name = "EndpointDescriptionError";
  override readonly code: string = "ERR_ENDPOINT_DESCRIPTION";
}

/** The description cannot be tokenized: it ends with an escaping backslash. */
export class EndpointSyntaxError extends EndpointDescriptionError {
  override name = "EndpointSyntaxError";
  override readonly code: string = "ERR_ENDPOINT_SYNTAX";
}

/** No parser is registered for the description's type (`"nosuch:x"`, `""`, `"TCP:80"` for servers). */
export class UnknownEndpointTypeError extends EndpointDescriptionError {
  override name = "UnknownEndpointTypeError";
  override readonly code: string = "ERR_UNKNOWN_ENDPOINT_TYPE";
  /** The type as written in the description. */
  readonly endpointType: string;
  constructor(endpointType: string, options?: ErrorOptions) {
    super(`Unknown endpoint type: '${endpointType}'`, options);
    this.endpointType = endpointType;
  }
}

/**
 * The arguments do not fit the type's parameters: a required one is missing, one is
 * given twice (positionally and by keyword), there are too many positional ones, or a
 * keyword is unknown.
 */
export class EndpointArgumentError extends EndpointDescriptionError {
  override name = "EndpointArgumentError";
  override readonly code: string = "ERR_ENDPOINT_ARGUMENT";
}

/** An argument has a bad value: not an integer, a port out of range, a bad octal mode, ... */
export class EndpointValueError extends EndpointDescriptionError {
  override name = "EndpointValueError";
  override readonly code: string = "ERR_ENDPOINT_VALUE";
  /** The parameter's name. */
  readonly parameter: string;
  /** The value as written. */
  readonly value: string;
  constructor(parameter: string, value: string, expected: string, options?: ErrorOptions) {
    super(`${parameter}=${JSON.stringify(value)}: expected ${expected}`, options);
    this.parameter = parameter;
    this.value = value;
  }
}

/** A file named by a description (a key, a certificate, a CA directory) cannot be read. */
export class EndpointFileError extends EndpointDescriptionError {
  override name = "EndpointFileError";
  override readonly code: string = "ERR_ENDPOINT_FILE";
  /** The path as given. */
  readonly path: string;
  constructor(parameter: string, path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${parameter}: cannot read ${JSON.stringify(path)}: ${why}`, { cause });
    this.path = path;
  }
}

/** The reactor lacks what the endpoint needs (e.g. `listenUNIX` for a `unix:` endpoint). */
export class EndpointReactorError extends TorsionError {
  override name = "EndpointReactorError";
  override readonly code: string = "ERR_ENDPOINT_REACTOR";
}

/** The factory's `buildProtocol` returned `null` for a client endpoint's connection (Twisted's `error.NoProtocol`). */
export class NoProtocol extends TorsionError {
  override name = "NoProtocol";
  override readonly code: string = "ERR_NO_PROTOCOL";
  constructor(message = "The factory refused to build a protocol for the connection.", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A TLS endpoint was used but no TLS implementation is registered: import `@torsion/tls`
 * (which calls `registerTLSProvider`) or register one yourself. The endpoints' form of
 * core's {@link TLSNotLoadedError} (what `startTLS` throws for the same cause), so one
 * `instanceof TLSNotLoadedError` check catches both.
 */
export class TLSNotAvailableError extends TLSNotLoadedError {
  override name = "TLSNotAvailableError";
  override readonly code: string = "ERR_TLS_NOT_AVAILABLE";
  constructor(
    message = "TLS is not available: no TLS provider is registered (import @torsion/tls, or call registerTLSProvider).",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A `stdio:` endpoint (`StandardIOEndpoint`) listened but no stdio implementation is
 * registered: import `@torsion/process` (which calls `registerStandardIOProvider`) or
 * register one yourself.
 */
export class StandardIONotAvailableError extends TorsionError {
  override name = "StandardIONotAvailableError";
  override readonly code: string = "ERR_STDIO_NOT_AVAILABLE";
  constructor(
    message = "stdio is not available: no stdio provider is registered (import @torsion/process, or call registerStandardIOProvider).",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
