/** Connected Unix-socket pairs in a temp dir, for the contract suite. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ClientFactory, type IProtocol } from "@torsion/core";
import { connectUNIX, listenUNIX } from "@torsion/unix";
import type { MakeStreamPair, StreamPair } from "../../stream/dist-test/stream-contract.js";
import { ioTurns, waitFor } from "../../stream/dist-test/helpers.js";
import { FakeTransportHost } from "@torsion/testing";

class OneShotFactory extends ClientFactory {
  constructor(private readonly next: IProtocol) {
    super();
    this.noisy = false;
  }
  override buildProtocol(): IProtocol {
    return this.next;
  }
}

/** A fresh temp dir; removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torsion-unix-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Builds a pair maker for Unix sockets with the fast path on or off. */
export function unixPairMaker(options: { fastPath: boolean; fastAccept?: boolean }): MakeStreamPair {
  return async (server: IProtocol, client: IProtocol): Promise<StreamPair> => {
    const host = new FakeTransportHost();
    const temp = tempDir();
    const file = path.join(temp.dir, "s.sock");
    const port = listenUNIX(host, file, new OneShotFactory(server), {
      fastPath: options.fastPath,
      ...(options.fastAccept === undefined ? {} : { fastAccept: options.fastAccept }),
    });
    connectUNIX(host, file, new OneShotFactory(client), { fastPath: options.fastPath, timeout: 5 });
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
        host.dispose();
        temp.remove();
        if (host.errors.length > 0)
          throw new Error(`unexpected reported errors: ${host.errors.map((e) => `${e.context}: ${String(e.error)}`).join("; ")}`);
      },
    };
  };
}
