import type { IStreamClientEndpoint, IStreamServerEndpoint } from "@torsion/core";
import { addBuiltinParsers } from "./builtin-parsers.js";
import { EndpointRegistry } from "./registry.js";

/**
 * The registry `serverFromString`/`clientFromString` use by default, with the built-in
 * types. Packages add their own types to it (`addServerParser`/`addClientParser`), and
 * `@torsion/tls` sets its `tlsProvider`.
 */
export const defaultEndpointRegistry: EndpointRegistry = addBuiltinParsers(new EndpointRegistry());

/**
 * Builds a server endpoint from a description (Twisted's `serverFromString`), for example
 * `"tcp:8080"`, `"tcp:8080:interface=127.0.0.1"`, `"tcp6:8080:interface=\:\:1"`,
 * `"unix:/run/app.sock:mode=660"` or `"ssl:443:privateKey=key.pem:certKey=cert.pem"`.
 * Nothing is opened until `listen`.
 *
 * @throws EndpointDescriptionError (a subclass) for a malformed description
 * @throws EndpointReactorError when `reactor` lacks what the type needs
 */
export function serverFromString(
  reactor: object,
  description: string,
  registry: EndpointRegistry = defaultEndpointRegistry,
): IStreamServerEndpoint {
  return registry.serverFromString(reactor, description);
}

/**
 * Builds a client endpoint from a description (Twisted's `clientFromString`), for example
 * `"tcp:example.com:80"`, `"tcp:host=::1:port=80"` (escaped: `host=\:\:1`),
 * `"unix:/run/app.sock"` or `"tls:example.com:443"`. Types are case-insensitive.
 * Nothing is connected until `connect`.
 *
 * @throws EndpointDescriptionError (a subclass) for a malformed description
 * @throws EndpointReactorError when `reactor` lacks what the type needs
 */
export function clientFromString(
  reactor: object,
  description: string,
  registry: EndpointRegistry = defaultEndpointRegistry,
): IStreamClientEndpoint {
  return registry.clientFromString(reactor, description);
}
