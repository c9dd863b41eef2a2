import type {
  EndpointArguments,
  IReactorTCP,
  IReactorTime,
  IReactorUNIX,
  IStreamClientEndpoint,
  IStreamClientEndpointStringParserWithReactor,
  IStreamServerEndpoint,
  IStreamServerEndpointStringParser,
} from "@torsion/core";
import {
  bindArguments,
  parseInteger,
  parseIntegerFlag,
  parseOctalMode,
  parsePort,
  parseTimeout,
  rejectUnknownKeywords,
  required,
} from "./arguments.js";
import { EndpointArgumentError, EndpointReactorError, EndpointValueError } from "./errors.js";
import { HostnameEndpoint } from "./hostname-endpoint.js";
import { checkCertificate, checkCertificateChain, checkPrivateKey, readCertificateDirectory, readPEMFile } from "./pem-files.js";
import type { EndpointRegistry } from "./registry.js";
import { SSL4ClientEndpoint, SSL4ServerEndpoint, wrapClientTLS } from "./ssl-endpoints.js";
import { TCP4ClientEndpoint, TCP4ServerEndpoint, TCP6ServerEndpoint, type BindAddress } from "./tcp-endpoints.js";
import type { ClientTLSDescription, ServerTLSDescription } from "./tls-provider.js";
import { StandardIOEndpoint } from "./stdio-endpoint.js";
import { UNIXClientEndpoint, UNIXServerEndpoint } from "./unix-endpoints.js";

// R is the interface whose methods the loop checks; the cast at the end is that check.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
function requireMethods<R>(reactor: object, type: string, iface: string, methods: readonly string[]): R {
  for (const method of methods) {
    if (typeof (reactor as Record<string, unknown>)[method] !== "function") {
      throw new EndpointReactorError(`a ${type}: endpoint needs a reactor providing ${iface} (${method} is missing)`);
    }
  }
  return reactor as R;
}

const tcpReactor = (reactor: object, type: string) =>
  requireMethods<IReactorTCP>(reactor, type, "IReactorTCP", ["listenTCP", "connectTCP"]);
const unixReactor = (reactor: object, type: string) =>
  requireMethods<IReactorUNIX>(reactor, type, "IReactorUNIX", ["listenUNIX", "connectUNIX"]);
const timeReactor = (reactor: object, type: string) =>
  requireMethods<IReactorTCP & IReactorTime>(reactor, type, "IReactorTCP and IReactorTime", ["connectTCP", "callLater", "seconds"]);

/** `tcp:PORT[:interface=IP][:backlog=N]`, positionals in that order; IPv4 (`interface` default `""`). */
export const tcpServerParser: IStreamServerEndpointStringParser = {
  prefix: "tcp",
  parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint {
    const bound = bindArguments("tcp", parameters, ["port", "interface", "backlog"]);
    const port = parsePort("port", required("tcp", bound, "port"));
    const backlog = parseInteger("backlog", bound.get("backlog") ?? "50");
    return new TCP4ServerEndpoint(tcpReactor(reactor, "tcp"), port, { backlog, interface: bound.get("interface") ?? "" });
  },
};

/** `tcp6:PORT[:backlog=N][:interface=IP]`, positionals in that order (Twisted's); `interface` default `"::"`. */
export const tcp6ServerParser: IStreamServerEndpointStringParser = {
  prefix: "tcp6",
  parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint {
    const bound = bindArguments("tcp6", parameters, ["port", "backlog", "interface"]);
    const port = parsePort("port", required("tcp6", bound, "port"));
    const backlog = parseInteger("backlog", bound.get("backlog") ?? "50");
    return new TCP6ServerEndpoint(tcpReactor(reactor, "tcp6"), port, { backlog, interface: bound.get("interface") ?? "::" });
  },
};

/**
 * `unix:PATH[:mode=OCTAL][:backlog=N][:lockfile=0|1]` (`address=` for the path); `mode`
 * defaults to 666, `lockfile` (the lock file, `wantPID`) to **1**.
 */
export const unixServerParser: IStreamServerEndpointStringParser = {
  prefix: "unix",
  parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint {
    const bound = bindArguments("unix", parameters, ["address", "mode", "backlog", "lockfile"]);
    const address = required("unix", bound, "address");
    const mode = parseOctalMode("mode", bound.get("mode") ?? "666");
    const backlog = parseInteger("backlog", bound.get("backlog") ?? "50");
    const wantPID = parseIntegerFlag("lockfile", bound.get("lockfile") ?? "1");
    return new UNIXServerEndpoint(unixReactor(reactor, "unix"), address, { mode, backlog, wantPID });
  },
};

const SSL_METHODS = ["SSLv23_METHOD", "TLS_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD", "TLSv1_2_METHOD"];

/**
 * `ssl:PORT[:privateKey=FILE(server.pem)][:certKey=FILE][:sslmethod=M][:interface][:backlog]
 * [:extraCertChain=FILE][:dhParameters=FILE]`, positionals in that order. The files are
 * read (and the key and certificates checked) here, at parse time, as in Twisted.
 */
export function sslServerParser(registry: EndpointRegistry): IStreamServerEndpointStringParser {
  return {
    prefix: "ssl",
    parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint {
      const bound = bindArguments("ssl", parameters, [
        "port",
        "privateKey",
        "certKey",
        "sslmethod",
        "interface",
        "backlog",
        "extraCertChain",
        "dhParameters",
      ]);
      const port = required("ssl", bound, "port");
      const sslmethod = bound.get("sslmethod") ?? null;
      if (sslmethod !== null && !SSL_METHODS.includes(sslmethod)) {
        throw new EndpointValueError("sslmethod", sslmethod, `one of ${SSL_METHODS.join(", ")} (SSLv2 and SSLv3 are refused)`);
      }
      const keyPath = bound.get("privateKey") ?? "server.pem";
      const certPath = bound.get("certKey") ?? keyPath;
      const certificate = checkCertificate("certKey", readPEMFile("certKey", certPath));
      const privateKey = checkPrivateKey("privateKey", readPEMFile("privateKey", keyPath));
      const chainPath = bound.get("extraCertChain");
      const extraCertChain =
        chainPath === undefined ? null : checkCertificateChain("extraCertChain", readPEMFile("extraCertChain", chainPath));
      const dhPath = bound.get("dhParameters");
      const dhParameters = dhPath === undefined ? null : readPEMFile("dhParameters", dhPath);
      const description: ServerTLSDescription = { kind: "server", privateKey, certificate, extraCertChain, dhParameters, sslmethod };
      return new SSL4ServerEndpoint(reactor, parsePort("port", port), description, {
        backlog: parseInteger("backlog", bound.get("backlog") ?? "50"),
        interface: bound.get("interface") ?? "",
        tls: registry.tlsSlot,
      });
    },
  };
}

interface TCPClientArguments {
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly bindAddress: BindAddress | null;
  /** Keywords not consumed (for `ssl:`). */
  readonly rest: Map<string, string>;
}

/**
 * Twisted's `_parseClientTCP`: `HOST:PORT`, or `host=`/`port=`; with one positional it is
 * the port if `host=` was given, else the host; a positional port wins over `port=`. The
 * values are converted before unknown keywords are rejected, in Twisted's order.
 */
function parseClientTCP(type: string, parameters: EndpointArguments, extra: readonly string[]): TCPClientArguments {
  const { args } = parameters;
  const kw = new Map(Object.entries(parameters.kwargs));
  if (args.length > 2) throw new EndpointArgumentError(`${type}: takes at most 2 positional arguments (host, port), ${args.length} given`);
  if (args.length === 2) {
    kw.set("port", args[1] as string);
    kw.set("host", args[0] as string);
  } else if (args.length === 1) {
    kw.set(kw.has("host") ? "port" : "host", args[0] as string);
  }
  const port = kw.has("port") ? parsePort("port", kw.get("port") as string) : undefined;
  const timeout = kw.has("timeout") ? parseTimeout("timeout", kw.get("timeout") as string) : 30;
  const bindHost = kw.get("bindAddress");
  const known = ["host", "port", "timeout", "bindAddress"];
  const rest = new Map([...kw].filter(([k]) => !known.includes(k)));
  const unknown = [...rest.keys()].find((k) => !extra.includes(k));
  if (unknown !== undefined) throw new EndpointArgumentError(`${type}: unknown keyword argument ${JSON.stringify(unknown)}`);
  const host = kw.get("host");
  if (host === undefined) throw new EndpointArgumentError(`${type}: missing required argument "host"`);
  if (port === undefined) throw new EndpointArgumentError(`${type}: missing required argument "port"`);
  return { host, port, timeout, bindAddress: bindHost === undefined ? null : [bindHost, 0], rest };
}

/** `tcp:HOST:PORT[:timeout=N][:bindAddress=IP]` (or `host=`/`port=`). */
export const tcpClientParser: IStreamClientEndpointStringParserWithReactor = {
  prefix: "tcp",
  parseStreamClient(reactor: object, parameters: EndpointArguments): IStreamClientEndpoint {
    const a = parseClientTCP("tcp", parameters, []);
    return new TCP4ClientEndpoint(tcpReactor(reactor, "tcp"), a.host, a.port, { timeout: a.timeout, bindAddress: a.bindAddress });
  },
};

/** `unix:PATH[:timeout=N][:lockfile=0|1]` (or `path=`); `lockfile` (`checkPID`) defaults to **0**. */
export const unixClientParser: IStreamClientEndpointStringParserWithReactor = {
  prefix: "unix",
  parseStreamClient(reactor: object, parameters: EndpointArguments): IStreamClientEndpoint {
    const { args } = parameters;
    const kw = new Map(Object.entries(parameters.kwargs));
    if (args.length > 1) throw new EndpointArgumentError(`unix: takes at most 1 positional argument (path), ${args.length} given`);
    if (args.length === 1) kw.set("path", args[0] as string);
    const lockfile = kw.get("lockfile") ?? kw.get("checkPID");
    const checkPID = lockfile === undefined ? false : parseIntegerFlag("lockfile", lockfile);
    const timeout = kw.has("timeout") ? parseTimeout("timeout", kw.get("timeout") as string) : 30;
    rejectUnknownKeywords("unix", Object.fromEntries(kw), ["path", "timeout", "lockfile", "checkPID"]);
    const path = kw.get("path");
    if (path === undefined) throw new EndpointArgumentError(`unix: missing required argument "path"`);
    return new UNIXClientEndpoint(unixReactor(reactor, "unix"), path, { timeout, checkPID });
  },
};

/** The client certificate of `certKey=`/`privateKey=` (ssl:) or `certificate=`/`privateKey=` (tls:). */
function clientCertificate(
  certParameter: string,
  certPath: string | undefined,
  keyPath: string | undefined,
): ClientTLSDescription["clientCertificate"] {
  if (certPath === undefined) return null;
  const certificate = checkCertificate(certParameter, readPEMFile(certParameter, certPath));
  if (keyPath === undefined) return { certificate: checkPrivateKey(certParameter, certificate), privateKey: null };
  return { certificate, privateKey: checkPrivateKey("privateKey", readPEMFile("privateKey", keyPath)) };
}

function trustRoots(parameter: string, directory: string | undefined): ClientTLSDescription["trustRoots"] {
  return directory === undefined ? null : { directory, certificates: readCertificateDirectory(parameter, directory) };
}

/**
 * `ssl:HOST:PORT[:hostname=NAME][:caCertsDir=DIR][:certKey=FILE][:privateKey=FILE][:timeout][:bindAddress]`.
 * **Verifies by default**, unlike Twisted: without `hostname` the certificate must match
 * HOST, and without `caCertsDir` it must chain to the platform's trust store.
 */
export function sslClientParser(registry: EndpointRegistry): IStreamClientEndpointStringParserWithReactor {
  return {
    prefix: "ssl",
    parseStreamClient(reactor: object, parameters: EndpointArguments): IStreamClientEndpoint {
      const a = parseClientTCP("ssl", parameters, ["hostname", "certKey", "privateKey", "caCertsDir"]);
      const description: ClientTLSDescription = {
        kind: "client",
        hostname: a.rest.get("hostname") ?? a.host,
        clientCertificate: clientCertificate("certKey", a.rest.get("certKey"), a.rest.get("privateKey")),
        trustRoots: trustRoots("caCertsDir", a.rest.get("caCertsDir")),
      };
      return new SSL4ClientEndpoint(reactor, a.host, a.port, description, {
        timeout: a.timeout,
        bindAddress: a.bindAddress,
        tls: registry.tlsSlot,
      });
    },
  };
}

/**
 * `tls:HOST:PORT[:timeout=30][:bindAddress=IP][:certificate=PEM][:privateKey=PEM]
 * [:trustRoots=DIR][:endpoint=DESCRIPTION]`, positionals in that order: TLS (always
 * verified against HOST) over a `HostnameEndpoint`, or over the nested client
 * `endpoint=` description (its colons escaped).
 */
export function tlsClientParser(registry: EndpointRegistry): IStreamClientEndpointStringParserWithReactor {
  return {
    prefix: "tls",
    parseStreamClient(reactor: object, parameters: EndpointArguments): IStreamClientEndpoint {
      const bound = bindArguments("tls", parameters, [
        "host",
        "port",
        "timeout",
        "bindAddress",
        "certificate",
        "privateKey",
        "trustRoots",
        "endpoint",
      ]);
      const host = required("tls", bound, "host");
      const port = parsePort("port", required("tls", bound, "port"));
      const timeout = parseTimeout("timeout", bound.get("timeout") ?? "30");
      const description: ClientTLSDescription = {
        kind: "client",
        hostname: host,
        trustRoots: trustRoots("trustRoots", bound.get("trustRoots")),
        clientCertificate: clientCertificate("certificate", bound.get("certificate"), bound.get("privateKey")),
      };
      const nested = bound.get("endpoint");
      const bindHost = bound.get("bindAddress");
      const inner =
        nested !== undefined
          ? registry.clientFromString(reactor, nested)
          : new HostnameEndpoint(timeReactor(reactor, "tls"), host, port, {
              timeout,
              bindAddress: bindHost === undefined ? null : [bindHost, 0],
            });
      return wrapClientTLS(description, inner, registry.tlsSlot);
    },
  };
}

/**
 * `stdio:` (Twisted's `StandardIOEndpoint`): this process's stdin and stdout. It takes no
 * arguments (`stdio:` itself parses to one empty positional); any other argument is an
 * `EndpointArgumentError`, where Twisted ignores it. Listening needs a stdio provider
 * (`@torsion/process` registers one).
 */
export const stdioServerParser: IStreamServerEndpointStringParser = {
  prefix: "stdio",
  parseStreamServer(reactor: object, parameters: EndpointArguments): IStreamServerEndpoint {
    const bare = parameters.args.length === 1 && parameters.args[0] === "" ? { ...parameters, args: [] } : parameters;
    bindArguments("stdio", bare, []);
    return new StandardIOEndpoint(reactor);
  },
};

/** Registers the built-in types on `registry`: servers `tcp`, `tcp6`, `unix`, `ssl`, `stdio`; clients `tcp`, `unix`, `ssl`, `tls`. */
export function addBuiltinParsers(registry: EndpointRegistry): EndpointRegistry {
  registry.addServerParser(tcpServerParser, { caseSensitive: true });
  registry.addServerParser(unixServerParser, { caseSensitive: true });
  registry.addServerParser(sslServerParser(registry), { caseSensitive: true });
  registry.addServerParser(tcp6ServerParser);
  registry.addServerParser(stdioServerParser);
  registry.addClientParser(tcpClientParser);
  registry.addClientParser(unixClientParser);
  registry.addClientParser(sslClientParser(registry));
  registry.addClientParser(tlsClientParser(registry));
  return registry;
}
