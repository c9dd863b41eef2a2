import type { IStreamClientEndpoint } from "./i-stream-client-endpoint.js";
import type { IStreamServerEndpoint } from "./i-stream-server-endpoint.js";

/**
 * The parameters of an endpoint description after the type: `"tcp:80:interface=::1"`
 * gives `args` `["80"]` and `kwargs` `{interface: "::1"}` (a null-prototype object; a
 * repeated keyword keeps its last value).
 */
export interface EndpointArguments {
  readonly args: readonly string[];
  readonly kwargs: Readonly<Record<string, string>>;
}

/**
 * Adds a server description type (Twisted's `IStreamServerEndpointStringParser`):
 * registered with an endpoint registry, it builds the endpoint for every server
 * description whose type matches {@link prefix} (case-insensitively).
 */
export interface IStreamServerEndpointStringParser {
  /** The description type it handles, e.g. `"tcp6"`. */
  readonly prefix: string;
  /**
   * Builds the endpoint. Called synchronously by `serverFromString`, once per call. Throw
   * a typed error (an `EndpointDescriptionError` subclass) for bad arguments; do no I/O
   * other than reading local files named by the description.
   *
   * @param reactor - the reactor given to `serverFromString`; check that it has what the
   *   endpoint needs (e.g. `listenTCP`)
   */
  parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint;
}

/**
 * Adds a client description type (Twisted's
 * `IStreamClientEndpointStringParserWithReactor`); as
 * {@link IStreamServerEndpointStringParser}, for `clientFromString`.
 */
export interface IStreamClientEndpointStringParserWithReactor {
  /** The description type it handles, e.g. `"tls"`. */
  readonly prefix: string;
  /** Builds the endpoint; as `IStreamServerEndpointStringParser.parseStreamServer`. */
  parseStreamClient(reactor: object, parameters: EndpointArguments): IStreamClientEndpoint;
}
