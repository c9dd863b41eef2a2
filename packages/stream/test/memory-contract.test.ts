/**
 * The stream-transport contract over the fakes of @torsion/testing that protocol tests
 * use: the in-memory transport (`connectedServerAndClient`) and `StringTransport`, so
 * they are held to the same contract as TCP and Unix sockets.
 */
import {
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  isHalfCloseable,
  type IHalfCloseableProtocol,
  type IProtocol,
  type ITCPTransport,
} from "@torsion/core";
import { connectedServerAndClient, StringTransportWithDisconnection } from "@torsion/testing";
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

/**
 * The contract over a pair of `StringTransportWithDisconnection`s. A StringTransport has
 * no peer, so this pair maker plays the network between the two: each round it moves the
 * bytes one end recorded (`value()`, then `clear()`) to the other end's protocol unless
 * that end is paused (`producerState`), and it carries closes across: once an end has
 * closed (`closed`), its remaining bytes are delivered (dropped after an abort) and the
 * other end gets `peerClosed` (`ConnectionDone`, or `ConnectionLost` after an abort), a
 * half-closeable peer first getting `readConnectionLost`. A `loseWriteConnection` is
 * carried as a FIN: the local protocol gets `writeConnectionLost` and the peer
 * `readConnectionLost`, or is closed when it is not half-closeable.
 *
 * Everything the contract asks of the transport itself is StringTransport's own doing
 * (typed errors, an atomic writeSequence, writes ignored after close, `disconnecting`,
 * one producer at a time, a close held back by a registered producer, a producer stopped
 * by a close or registered too late). Two clauses are skipped, both about flow control:
 * StringTransport has no send buffer, so it never pauses a streaming producer and never
 * asks a pull producer for data (Twisted's does not either; a test drives its producers
 * itself).
 */
function stringTransportPair(server: IProtocol, client: IProtocol): Promise<StreamPair> {
  const ends = [server, client].map((protocol) => {
    const transport = new StringTransportWithDisconnection();
    transport.protocol = protocol;
    return { protocol, transport, finSent: false, closeSent: false };
  });
  for (const end of ends) end.protocol.makeConnection(end.transport);
  const [a, b] = ends as [End, End];
  const round = (): boolean => move(a, b) || move(b, a);
  return Promise.resolve({
    async settle(until: () => boolean): Promise<void> {
      for (let rounds = 0; !until(); rounds++) {
        if (rounds >= MAX_ROUNDS || !round()) {
          if (until()) return;
          throw new Error(`the StringTransport pair went quiet after ${rounds} rounds before the condition held`);
        }
      }
    },
    async idle(): Promise<void> {
      for (let rounds = 0; rounds < MAX_ROUNDS && round(); rounds++);
    },
    async close(): Promise<void> {
      for (const end of ends) end.transport.abortConnection();
      for (let rounds = 0; rounds < MAX_ROUNDS && round(); rounds++);
    },
  });
}

interface End {
  readonly protocol: IProtocol;
  readonly transport: StringTransportWithDisconnection;
  finSent: boolean;
  closeSent: boolean;
}

/** One step of the network from `from` to `to`; false when there was nothing to do. */
function move(from: End, to: End): boolean {
  if (wasAborted(from)) from.transport.clear();
  const bytes = from.transport.value();
  if (bytes.length > 0 && !to.transport.closed && to.transport.producerState !== "paused") {
    from.transport.clear();
    to.protocol.dataReceived(bytes);
    return true;
  }
  if (bytes.length > 0) return false;
  if (from.transport.writeDisconnecting && !from.finSent && !from.transport.closed) {
    from.finSent = true;
    halfCloseable(from.protocol)?.writeConnectionLost();
    const peer = halfCloseable(to.protocol);
    if (peer === null) to.transport.loseConnection();
    else peer.readConnectionLost();
    return true;
  }
  if (from.transport.closed && !from.closeSent) {
    from.closeSent = true;
    if (to.transport.closed) return true;
    if (wasAborted(from)) {
      to.transport.peerClosed(new ConnectionLost());
      return true;
    }
    const peer = halfCloseable(to.protocol);
    peer?.readConnectionLost();
    to.transport.peerClosed(new ConnectionDone());
    return true;
  }
  return false;
}

/** Whether this end closed itself with abortConnection (its unsent bytes are dropped). */
function wasAborted(end: End): boolean {
  return end.transport.closeReason instanceof ConnectionAborted;
}

function halfCloseable(protocol: IProtocol): IHalfCloseableProtocol | null {
  return isHalfCloseable(protocol) ? protocol : null;
}

describeStreamTransport(
  "StringTransport (a pair of StringTransportWithDisconnection)",
  (server, client) => stringTransportPair(server, client),
  {
    skip: {
      "a pull producer is asked for a chunk each time the buffer drains, until it unregisters":
        "StringTransport has no send buffer: it never asks a pull producer for data",
      "a streaming producer is paused when the peer stops reading and resumed when it drains":
        "StringTransport has no send buffer: it never pauses a streaming producer",
    },
  },
);
