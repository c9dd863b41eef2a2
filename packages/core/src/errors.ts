/**
 * The error catalogue of Torsion's network layer, with Twisted's names and hierarchy
 * (`twisted.internet.error`). Every class has a `name`, a stable `code` and an optional
 * standard `cause` (usually the Node system error behind it).
 */
import { TorsionError } from "@torsion/defer";

/** Base of the reasons handed to `connectionLost`. */
export class ConnectionClosed extends TorsionError {
  override name = "ConnectionClosed";
  override readonly code: string = "ERR_CONNECTION_CLOSED";
}

/** The connection was closed cleanly (`loseConnection` or an orderly close by the peer). */
export class ConnectionDone extends ConnectionClosed {
  override name = "ConnectionDone";
  override readonly code: string = "ERR_CONNECTION_DONE";
  constructor(message = "Connection was closed cleanly.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The connection was closed uncleanly: a reset, an error, or a local abort. */
export class ConnectionLost extends ConnectionClosed {
  override name = "ConnectionLost";
  override readonly code: string = "ERR_CONNECTION_LOST";
  constructor(message = "Connection to the other side was lost in a non-clean fashion.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The connection was aborted locally with `abortConnection()`. */
export class ConnectionAborted extends ConnectionLost {
  override name = "ConnectionAborted";
  override readonly code: string = "ERR_CONNECTION_ABORTED";
  constructor(message = "Connection was aborted locally using ITCPTransport.abortConnection.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Base of the reasons handed to `clientConnectionFailed`. */
export class ConnectError extends TorsionError {
  override name = "ConnectError";
  override readonly code: string = "ERR_CONNECT";
  constructor(message = "An error occurred while connecting.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The peer refused the connection (ECONNREFUSED). */
export class ConnectionRefusedError extends ConnectError {
  override name = "ConnectionRefusedError";
  override readonly code: string = "ERR_CONNECTION_REFUSED";
  constructor(message = "Connection was refused by other side.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The user stopped a connection attempt (`IConnector.stopConnecting`). */
export class UserError extends ConnectError {
  override name = "UserError";
  override readonly code: string = "ERR_USER_ABORTED_CONNECT";
  constructor(message = "User aborted connection.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The connect timeout given to `connectTCP`/`connectUNIX` ran out (not an idle timeout). */
export class TimeoutError extends UserError {
  override name = "TimeoutError";
  override readonly code: string = "ERR_CONNECT_TIMEOUT";
  constructor(message = "User timeout caused connection failure.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The operating system's connect timed out (ETIMEDOUT). */
export class TCPTimedOutError extends ConnectError {
  override name = "TCPTimedOutError";
  override readonly code: string = "ERR_TCP_TIMED_OUT";
  constructor(message = "TCP connection timed out.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The host name could not be resolved. */
export class DNSLookupError extends ConnectError {
  override name = "DNSLookupError";
  override readonly code: string = "ERR_DNS_LOOKUP";
  constructor(message = "DNS lookup failed.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** No route to the host (EHOSTUNREACH, ENETUNREACH). */
export class NoRouteError extends ConnectError {
  override name = "NoRouteError";
  override readonly code: string = "ERR_NO_ROUTE";
  constructor(message = "No route to host.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The host is unknown. */
export class UnknownHostError extends ConnectError {
  override name = "UnknownHostError";
  override readonly code: string = "ERR_UNKNOWN_HOST";
  constructor(message = "Hostname couldn't be looked up.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The client could not bind its `bindAddress`. */
export class ConnectBindError extends ConnectError {
  override name = "ConnectBindError";
  override readonly code: string = "ERR_CONNECT_BIND";
  constructor(message = "Couldn't bind.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A connection attempt was cancelled before it completed. */
export class ConnectingCancelledError extends ConnectError {
  override name = "ConnectingCancelledError";
  override readonly code: string = "ERR_CONNECTING_CANCELLED";
  constructor(message = "Connecting was cancelled.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Base of bind failures. */
export class BindError extends TorsionError {
  override name = "BindError";
  override readonly code: string = "ERR_BIND";
}

/** A port could not be opened; names the interface, the port and the cause. */
export class CannotListenError extends BindError {
  override name = "CannotListenError";
  override readonly code: string = "ERR_CANNOT_LISTEN";
  readonly interface: string;
  readonly port: number | string;

  constructor(iface: string, port: number | string, cause?: unknown) {
    const where = typeof port === "number" ? `${iface || "*"}:${port}` : port;
    const why = cause instanceof Error ? cause.message : cause === undefined ? "unknown reason" : describeCause(cause);
    super(`Couldn't listen on ${where}: ${why}.`, cause === undefined ? undefined : { cause });
    this.interface = iface;
    this.port = port;
  }
}

/** A datagram was larger than the port's `maxPacketSize` (nothing was sent). */
export class MessageLengthError extends TorsionError {
  override name = "MessageLengthError";
  override readonly code: string = "ERR_MESSAGE_LENGTH";
}

/** Joining a multicast group failed. */
export class MulticastJoinError extends TorsionError {
  override name = "MulticastJoinError";
  override readonly code: string = "ERR_MULTICAST_JOIN";
}

/** `cancel`/`reset`/`delay` on a DelayedCall that already ran. */
export class AlreadyCalled extends TorsionError {
  override name = "AlreadyCalled";
  override readonly code: string = "ERR_DELAYED_CALL_ALREADY_CALLED";
  constructor(message = "Tried to cancel or reschedule an already-called event.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `cancel`/`reset`/`delay` on a DelayedCall that was cancelled. */
export class AlreadyCancelled extends TorsionError {
  override name = "AlreadyCancelled";
  override readonly code: string = "ERR_DELAYED_CALL_ALREADY_CANCELLED";
  constructor(message = "Tried to cancel or reschedule an already-cancelled event.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `stopConnecting()` on a connector that is not connecting. */
export class NotConnectingError extends TorsionError {
  override name = "NotConnectingError";
  override readonly code: string = "ERR_NOT_CONNECTING";
  constructor(message = "The Connector was not connecting when it was asked to stop connecting.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `stopListening()` on a port that is not listening. */
export class NotListeningError extends TorsionError {
  override name = "NotListeningError";
  override readonly code: string = "ERR_NOT_LISTENING";
  constructor(message = "The Port was not listening when it was asked to stop listening.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `stop()`/`crash()` on a reactor that is not running. */
export class ReactorNotRunning extends TorsionError {
  override name = "ReactorNotRunning";
  override readonly code: string = "ERR_REACTOR_NOT_RUNNING";
  constructor(message = "Can't stop reactor that isn't running.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `run()` on a reactor that is already running. */
export class ReactorAlreadyRunning extends TorsionError {
  override name = "ReactorAlreadyRunning";
  override readonly code: string = "ERR_REACTOR_ALREADY_RUNNING";
  constructor(message = "Reactor already running.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** An address family this platform or transport does not support (e.g. Unix datagrams). */
export class UnsupportedAddressFamily extends TorsionError {
  override name = "UnsupportedAddressFamily";
  override readonly code: string = "ERR_UNSUPPORTED_ADDRESS_FAMILY";
}

/** An address that is malformed for the operation (e.g. a host name where an IP is needed). */
export class InvalidAddressError extends TorsionError {
  override name = "InvalidAddressError";
  override readonly code: string = "ERR_INVALID_ADDRESS";
}

/**
 * A protocol's lifecycle was violated: `dataReceived` before `makeConnection` or after
 * `connectionLost`, `connectionLost` twice, `makeConnection` twice.
 */
export class ProtocolLifecycleError extends TorsionError {
  override name = "ProtocolLifecycleError";
  override readonly code: string = "ERR_PROTOCOL_LIFECYCLE";
}

/**
 * A protocol's `transport` (or `factory`) was read before it was attached: before
 * `makeConnection` (or, for `factory`, when no factory built the protocol). Read
 * `transportOrNull`/`factoryOrNull` to test for it without throwing.
 */
export class NotConnectedError extends ProtocolLifecycleError {
  override name = "NotConnectedError";
  override readonly code: string = "ERR_NOT_CONNECTED";
}

/**
 * A send method (`sendLine`, `sendString`, ...) was given something other than bytes
 * (`Uint8Array`/`Buffer`), e.g. a string. A `TypeError`, as a transport's `write` throws
 * for non-bytes; nothing is sent.
 */
export class NotBytesError extends TypeError {
  override name = "NotBytesError";
  readonly code: string = "ERR_NOT_BYTES";
  constructor(message = "expected bytes (Uint8Array)", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A short description of a non-bytes value for error messages; never throws. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string")
    return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}); encode it, e.g. Buffer.from(text)`;
  if (typeof value === "object") return `an object (${constructorName(value)})`;
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

/**
 * The name of `value`'s constructor, or "Object" when it has none (`Object.create(null)`,
 * a class-less prototype) or reading it throws (a hostile proxy); never throws.
 */
function constructorName(value: object): string {
  try {
    const constructor: unknown = (value as { constructor?: unknown }).constructor;
    return typeof constructor === "function" && constructor.name !== "" ? constructor.name : "Object";
  } catch {
    return "Object";
  }
}

/**
 * A non-`Error` cause for a message: strings as they are, other primitives as `String`
 * gives them, objects and functions described (see `describeValue`) rather than
 * stringified (which may give "[object Object]" or throw); never throws.
 */
function describeCause(cause: unknown): string {
  if (typeof cause === "string") return cause;
  if (typeof cause === "number" || typeof cause === "boolean" || typeof cause === "bigint" || typeof cause === "symbol")
    return String(cause);
  return describeValue(cause);
}

/**
 * Checks that `value`, the argument of the send method `method`, is bytes; throws
 * {@link NotBytesError} naming the method otherwise.
 */
export function assertBytes(value: unknown, method: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new NotBytesError(`${method}() takes bytes (Uint8Array), not ${describeValue(value)}`);
}

/**
 * The bytes a peer sent cannot be decoded: malformed, or over a decoder's limit (see
 * `IDecoder`). Each wire protocol subclasses it with its own name and code. The framing
 * driver (`FramingDriver` in `@torsion/protocols`) answers one thrown by `next()` by
 * stopping delivery, telling the protocol (`decodeFailed`, `decodeError`) and closing
 * cleanly with `loseConnection()`; it logs it on its debug logger rather than the error
 * reporter, since malformed input is the peer's doing.
 */
export class DecodeError extends TorsionError {
  override name = "DecodeError";
  override readonly code: string = "ERR_DECODE";
}

/** Twisted's `connectError`-by-errno mapping: Node system error codes to ConnectError classes. */
const CONNECT_ERRORS: Readonly<Record<string, new (message?: string, options?: ErrorOptions) => ConnectError>> = {
  ECONNREFUSED: ConnectionRefusedError,
  ENOENT: ConnectionRefusedError,
  ETIMEDOUT: TCPTimedOutError,
  ENOTFOUND: DNSLookupError,
  EAI_AGAIN: DNSLookupError,
  EAI_FAIL: DNSLookupError,
  EAI_NONAME: DNSLookupError,
  EHOSTUNREACH: NoRouteError,
  ENETUNREACH: NoRouteError,
  EADDRINUSE: ConnectBindError,
  EADDRNOTAVAIL: ConnectBindError,
};

/**
 * Maps an error from a failed connect (typically a Node system error with a `code` such
 * as `ECONNREFUSED`) to the matching {@link ConnectError} subclass, keeping the original
 * as `cause`. Errors that already are ConnectErrors are returned unchanged.
 */
export function getConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const Class = typeof code === "string" ? CONNECT_ERRORS[code] : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return Class ? new Class(message, { cause: error }) : new ConnectError(message, { cause: error });
}

// ---- Errors of the contracts that every implementation, real or fake, throws -------------

/**
 * `registerProducer` was called while another producer is registered (`IConsumer`: at most
 * one producer at a time). The first producer stays registered.
 */
export class ProducerAlreadyRegisteredError extends TorsionError {
  override name = "ProducerAlreadyRegisteredError";
  override readonly code: string = "ERR_PRODUCER_ALREADY_REGISTERED";
  constructor(message = "A producer is already registered with this transport; unregister it first.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `IConnector.connect()` was called on a connector that is already connecting or connected. */
export class ConnectorBusyError extends TorsionError {
  override name = "ConnectorBusyError";
  override readonly code: string = "ERR_CONNECTOR_BUSY";
  constructor(message = "Can't connect in the current state; the connector must be disconnected.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `IListeningPort.startListening()` was called on a port that is already listening. */
export class AlreadyListeningError extends TorsionError {
  override name = "AlreadyListeningError";
  override readonly code: string = "ERR_ALREADY_LISTENING";
  constructor(message = "The port is already listening.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `IUDPTransport.connect()` on a UDP port that is already connected (Twisted raises `RuntimeError`). */
export class AlreadyConnectedError extends TorsionError {
  override name = "AlreadyConnectedError";
  override readonly code: string = "ERR_UDP_ALREADY_CONNECTED";
  constructor(message = "The UDP port is already connected; reconnecting is not supported.", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * `IReactorCore.removeSystemEventTrigger` was given an id that is not registered (never
 * was, already fired, or already removed).
 */
export class UnknownTriggerError extends TorsionError {
  override name = "UnknownTriggerError";
  override readonly code: string = "ERR_UNKNOWN_SYSTEM_EVENT_TRIGGER";
}

/** `IReactorCore.addSystemEventTrigger` was given a phase other than `"before"`, `"during"` or `"after"`. */
export class InvalidEventPhaseError extends TorsionError {
  override name = "InvalidEventPhaseError";
  override readonly code: string = "ERR_INVALID_EVENT_PHASE";
}
/**
 * `connectUNIX` was given a path the kernel cannot take whole: longer than the `sun_path`
 * field of a Unix socket address, or containing a NUL byte (other than the leading one of
 * an abstract name). Without this check the kernel (or libuv) would cut the path short and
 * the client could reach a different socket. No connect is tried.
 */
export class BadUNIXPathError extends ConnectError {
  override name = "BadUNIXPathError";
  override readonly code: string = "ERR_BAD_UNIX_PATH";
  /** The path as given. */
  readonly path: string;
  constructor(path: string, message = "Bad Unix socket path.", options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}
