/**
 * Immutable address values, as Twisted's `twisted.internet.address`. They compare by
 * value with `equals`, and `toString()` prints them as Twisted's repr does.
 */

/** Marker contract for every address object. */
export interface IAddress {
  /** Whether `other` denotes the same address. */
  equals(other: unknown): boolean;
  toString(): string;
}

/** The socket type of an IP address: a stream (`"TCP"`) or datagram (`"UDP"`) endpoint. */
export type IPAddressType = "TCP" | "UDP";

function checkType(type: string): asserts type is IPAddressType {
  if (type !== "TCP" && type !== "UDP") throw new TypeError(`address type must be "TCP" or "UDP", not ${JSON.stringify(type)}`);
}

/** An IPv4 socket address. */
export class IPv4Address implements IAddress {
  readonly type: IPAddressType;
  readonly host: string;
  readonly port: number;

  constructor(type: IPAddressType, host: string, port: number) {
    checkType(type);
    this.type = type;
    this.host = host;
    this.port = port;
    Object.freeze(this);
  }

  equals(other: unknown): boolean {
    return other instanceof IPv4Address && other.type === this.type && other.host === this.host && other.port === this.port;
  }

  toString(): string {
    return `IPv4Address(type='${this.type}', host='${this.host}', port=${this.port})`;
  }
}

/** An IPv6 socket address, with Twisted's `flowInfo` and `scopeID`. */
export class IPv6Address implements IAddress {
  readonly type: IPAddressType;
  readonly host: string;
  readonly port: number;
  readonly flowInfo: number;
  readonly scopeID: number | string;

  constructor(type: IPAddressType, host: string, port: number, flowInfo = 0, scopeID: number | string = 0) {
    checkType(type);
    this.type = type;
    this.host = host;
    this.port = port;
    this.flowInfo = flowInfo;
    this.scopeID = scopeID;
    Object.freeze(this);
  }

  equals(other: unknown): boolean {
    return (
      other instanceof IPv6Address &&
      other.type === this.type &&
      other.host === this.host &&
      other.port === this.port &&
      other.flowInfo === this.flowInfo &&
      other.scopeID === this.scopeID
    );
  }

  toString(): string {
    return `IPv6Address(type='${this.type}', host='${this.host}', port=${this.port}, flowInfo=${this.flowInfo}, scopeID=${this.scopeID})`;
  }
}

/**
 * A Unix socket address. `name` is the filesystem path, a Linux abstract-namespace name
 * (starting with `"\0"`), or `null` for an unnamed (client) end.
 */
export class UNIXAddress implements IAddress {
  readonly name: string | null;

  constructor(name: string | null) {
    this.name = name;
    Object.freeze(this);
  }

  equals(other: unknown): boolean {
    return other instanceof UNIXAddress && other.name === this.name;
  }

  toString(): string {
    return `UNIXAddress(${this.name === null ? "None" : JSON.stringify(this.name)})`;
  }
}

/** What an IP (TCP or UDP) endpoint reports from `getHost()`/`getPeer()`. */
export type IPAddress = IPv4Address | IPv6Address;

/** Builds the right IP address class for a host: IPv6 when it contains a colon. */
export function ipAddress(type: IPAddressType, host: string, port: number): IPv4Address | IPv6Address {
  return host.includes(":") ? new IPv6Address(type, host, port) : new IPv4Address(type, host, port);
}
