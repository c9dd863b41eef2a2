/** Connected TCP pairs over 127.0.0.1 for the contract suite and other tests. */
import { ClientFactory, Factory, type IProtocol } from "@torsion/core";
import type { StreamPort } from "@torsion/stream";
import { connectTCP, listenTCP } from "@torsion/tcp";
import type { MakeStreamPair, StreamPair } from "./stream-contract.js";
import { ioTurns, waitFor } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";
import { adapt, type ReadPath } from "./read-mode-adapters.js";

class OneShotFactory extends Factory {
  constructor(private readonly next: IProtocol) {
    super();
    this.noisy = false;
  }
  override buildProtocol(): IProtocol {
    return this.next;
  }
}

class OneShotClientFactory extends ClientFactory {
  constructor(private readonly next: IProtocol) {
    super();
    this.noisy = false;
  }
  override buildProtocol(): IProtocol {
    return this.next;
  }
}

/**
 * Builds a pair maker for TCP on `iface` with the fast path on or off; `readPath` puts
 * both protocols on the borrowed or buffered read path (see `read-mode-adapters.ts`).
 */
export function tcpPairMaker(options: { fastPath: boolean; fastAccept?: boolean; iface?: string; readPath?: ReadPath }): MakeStreamPair {
  return async (server: IProtocol, client: IProtocol): Promise<StreamPair> => {
    const host = new FakeTransportHost();
    const iface = options.iface ?? "127.0.0.1";
    const port: StreamPort = listenTCP(host, 0, new OneShotFactory(adapt(server, options.readPath ?? "owned")), {
      interface: iface,
      fastPath: options.fastPath,
      ...(options.fastAccept === undefined ? {} : { fastAccept: options.fastAccept }),
    });
    const address = port.getHost() as unknown as { port: number };
    connectTCP(host, iface, address.port, new OneShotClientFactory(adapt(client, options.readPath ?? "owned")), {
      fastPath: options.fastPath,
      timeout: 5,
    });
    const connected = (p: IProtocol) => (p as { connected?: boolean }).connected === true;
    await waitFor(() => connected(server) && connected(client), 5000, "connection");
    await port.stopListening().asPromise();
    return {
      settle: (until) => waitFor(until, 10_000, "settle condition"),
      idle: () => ioTurns(),
      close: async () => {
        for (const p of [server, client]) {
          const t = (p as { transportOrNull?: { abortConnection?: () => void } | null }).transportOrNull;
          t?.abortConnection?.();
        }
        await waitFor(() => !connected(server) && !connected(client), 5000, "close");
        if (host.errors.length > 0)
          throw new Error(`unexpected reported errors: ${host.errors.map((e) => `${e.context}: ${String(e.error)}`).join("; ")}`);
        host.dispose();
      },
    };
  };
}
