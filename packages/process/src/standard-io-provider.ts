import type { Readable } from "node:stream";
import createDebug from "debug";
import { CannotListenError, type IProtocol, type ITransportHost } from "@torsion/core";
import type { IStandardIOProvider, StandardIOConnection } from "@torsion/endpoints";
import { PipeAddress, StandardIO, type StandardIOOptions } from "./standard-io.js";

const debug = createDebug("torsion:process:stdio-provider");

/** The input streams an open `stdio:` connection reads: one connection per stream at a time. */
const inUse = new WeakSet<Readable>();

function isTransportHost(reactor: object): reactor is ITransportHost {
  const r = reactor as Partial<Record<keyof ITransportHost, unknown>>;
  return typeof r.registerResource === "function" && typeof r.reportError === "function";
}

/**
 * `@torsion/process`'s stdio provider for `StandardIOEndpoint` (`stdio:`), registered with
 * `@torsion/endpoints` when this package is imported: a {@link StandardIO} over the given
 * (default: this process's) stdin and stdout, at most one open at a time per input stream.
 */
export const standardIOProvider: IStandardIOProvider = {
  name: "@torsion/process",
  pipeAddress: () => new PipeAddress(),
  connect(reactor: object, protocol: IProtocol, options: StandardIOOptions): StandardIOConnection {
    if (!isTransportHost(reactor)) {
      throw new CannotListenError("", "stdio", "the reactor cannot host a transport (it lacks registerResource or reportError)");
    }
    const stdin = options.stdin ?? process.stdin;
    if (inUse.has(stdin)) throw new CannotListenError("", "stdio", "standard input is already in use by another stdio connection");
    inUse.add(stdin);
    const transport = new StandardIO(reactor, protocol, { ...options, stdin });
    void transport.whenClosed().then(() => {
      inUse.delete(stdin);
      debug("stdio connection closed");
    });
    return transport;
  },
};
