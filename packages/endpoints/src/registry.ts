import createDebug from "debug";
import { TorsionError } from "@torsion/defer";
import type {
  IStreamClientEndpoint,
  IStreamClientEndpointStringParserWithReactor,
  IStreamServerEndpoint,
  IStreamServerEndpointStringParser,
} from "@torsion/core";
import { parseDescription } from "./description.js";
import { UnknownEndpointTypeError } from "./errors.js";
import { globalTLSProviderSlot, type ITLSProvider, type TLSProviderSlot } from "./tls-provider.js";

const debug = createDebug("torsion:endpoints:registry");

/** A prefix is registered twice (pass `replace: true` to override on purpose). */
export class EndpointPrefixInUseError extends TorsionError {
  override name = "EndpointPrefixInUseError";
  override readonly code: string = "ERR_ENDPOINT_PREFIX_IN_USE";
}

/** Options of {@link EndpointRegistry.addServerParser} / {@link EndpointRegistry.addClientParser}. */
export interface AddParserOptions {
  /**
   * Match the prefix exactly, case included. Twisted does this for its built-in server
   * types `tcp`, `unix` and `ssl` only (so `TCP:80` is not a server description); every
   * other type matches case-insensitively. @default false
   */
  readonly caseSensitive?: boolean;
  /** Replace a parser already registered for the prefix. @default false */
  readonly replace?: boolean;
}

interface Entry<T> {
  readonly parser: T;
  readonly caseSensitive: boolean;
}

/** Options of the {@link EndpointRegistry} constructor. */
export interface EndpointRegistryOptions {
  /** Where the TLS provider is kept. @default the process-wide slot */
  readonly tls?: TLSProviderSlot;
}

/**
 * The table of description types (Twisted's endpoint plugins): which parser builds the
 * endpoint for `"tcp:..."`, `"unix:..."`, and whatever else packages add, for servers and
 * clients, plus the TLS provider the TLS endpoints use. `serverFromString` and
 * `clientFromString` use {@link defaultEndpointRegistry} unless given another.
 */
export class EndpointRegistry implements TLSProviderSlot {
  readonly #servers = new Map<string, Entry<IStreamServerEndpointStringParser>>();
  readonly #clients = new Map<string, Entry<IStreamClientEndpointStringParserWithReactor>>();
  readonly #tls: TLSProviderSlot;

  constructor(options: EndpointRegistryOptions = {}) {
    this.#tls = options.tls ?? globalTLSProviderSlot;
  }

  /** The TLS implementation the TLS endpoints built from this registry use (`null`: none). */
  get tlsProvider(): ITLSProvider | null {
    return this.#tls.tlsProvider;
  }

  set tlsProvider(provider: ITLSProvider | null) {
    this.#tls.tlsProvider = provider;
  }

  /** The slot TLS endpoints built from this registry read the provider from. */
  get tlsSlot(): TLSProviderSlot {
    return this.#tls;
  }

  /** Adds a server description type. @throws EndpointPrefixInUseError unless `replace` */
  addServerParser(parser: IStreamServerEndpointStringParser, options: AddParserOptions = {}): void {
    add(this.#servers, parser, options);
  }

  /** Adds a client description type. @throws EndpointPrefixInUseError unless `replace` */
  addClientParser(parser: IStreamClientEndpointStringParserWithReactor, options: AddParserOptions = {}): void {
    add(this.#clients, parser, options);
  }

  /** Removes a server type; returns whether it was registered. */
  removeServerParser(prefix: string): boolean {
    return this.#servers.delete(prefix.toLowerCase());
  }

  /** Removes a client type; returns whether it was registered. */
  removeClientParser(prefix: string): boolean {
    return this.#clients.delete(prefix.toLowerCase());
  }

  /** The parser for a server description type as written, if any. */
  serverParser(type: string): IStreamServerEndpointStringParser | undefined {
    return find(this.#servers, type);
  }

  /** The parser for a client description type as written, if any. */
  clientParser(type: string): IStreamClientEndpointStringParserWithReactor | undefined {
    return find(this.#clients, type);
  }

  /** The registered server prefixes, in registration order. */
  serverPrefixes(): string[] {
    return [...this.#servers.values()].map((e) => e.parser.prefix);
  }

  /** The registered client prefixes, in registration order. */
  clientPrefixes(): string[] {
    return [...this.#clients.values()].map((e) => e.parser.prefix);
  }

  /** See the module function `serverFromString`. */
  serverFromString(reactor: object, description: string): IStreamServerEndpoint {
    const { type, args, kwargs } = parseDescription(description);
    const parser = this.serverParser(type);
    if (parser === undefined) throw new UnknownEndpointTypeError(type);
    debug("server %s -> %s", description, parser.prefix);
    return parser.parseStreamServer(reactor, { args, kwargs });
  }

  /** See the module function `clientFromString`. */
  clientFromString(reactor: object, description: string): IStreamClientEndpoint {
    const { type, args, kwargs } = parseDescription(description);
    const parser = this.clientParser(type);
    if (parser === undefined) throw new UnknownEndpointTypeError(type);
    debug("client %s -> %s", description, parser.prefix);
    return parser.parseStreamClient(reactor, { args, kwargs });
  }
}

function add<T extends { readonly prefix: string }>(table: Map<string, Entry<T>>, parser: T, options: AddParserOptions): void {
  const key = parser.prefix.toLowerCase();
  if (key === "" || parser.prefix.includes(":")) throw new TypeError(`invalid endpoint prefix ${JSON.stringify(parser.prefix)}`);
  if (table.has(key) && options.replace !== true) {
    throw new EndpointPrefixInUseError(`an endpoint parser for ${JSON.stringify(parser.prefix)} is already registered`);
  }
  table.set(key, { parser, caseSensitive: options.caseSensitive ?? false });
}

function find<T extends { readonly prefix: string }>(table: Map<string, Entry<T>>, type: string): T | undefined {
  const entry = table.get(type.toLowerCase());
  if (entry === undefined) return undefined;
  if (entry.caseSensitive && entry.parser.prefix !== type) return undefined;
  return entry.parser;
}
