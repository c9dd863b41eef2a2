/**
 * The stream-transport contract over the in-memory transport of @torsion/testing
 * (`connectedServerAndClient`), so the fake that protocol tests use is held to the same
 * contract as TCP and Unix sockets.
 */
import type { IProtocol, ITCPTransport } from "@torsion/core";
import { connectedServerAndClient } from "@torsion/testing";
import { describeStreamTransport, type StreamPair } from "./stream-contract.js";

const MAX_ROUNDS = 100_000;

function memoryPair(server: IProtocol, client: IProtocol, chunkSize: number): Promise<StreamPair> {
  const { pump } = connectedServerAndClient({ buildProtocol: () => server }, { buildProtocol: () => client }, { chunkSize });
  const transports = [server, client].map((p) => (p as unknown as { transport: ITCPTransport | null }).transport);
  return Promise.resolve({
    async settle(until: () => boolean): Promise<void> {
      for (let round = 0; !until(); round++) {
        if (round >= MAX_ROUNDS || !pump.pump()) {
          if (until()) return;
          throw new Error(`the in-memory pump went quiet after ${round} rounds before the condition held`);
        }
      }
    },
    async idle(): Promise<void> {
      pump.flush(MAX_ROUNDS);
    },
    async close(): Promise<void> {
      for (const transport of transports) transport?.abortConnection();
      pump.flush(MAX_ROUNDS);
    },
  });
}

describeStreamTransport("in-memory (connectedServerAndClient)", (server, client) => memoryPair(server, client, Infinity));
describeStreamTransport("in-memory, 1-byte chunks", (server, client) => memoryPair(server, client, 1));
