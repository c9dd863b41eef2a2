/**
 * Adapters that put any protocol on the borrowed or buffered read path, so the stream
 * contract suite (whose protocols record what they own) runs over those paths too.
 */
import {
  endConnection,
  type CallbackResult,
  type IBorrowingProtocol,
  type IBufferedProtocol,
  type IProtocol,
  type ITransport,
} from "@torsion/core";
import type { Failure } from "@torsion/defer";

/** Which read path a pair's protocols use. */
export type ReadPath = "owned" | "borrowed" | "buffered";

class Adapter implements IProtocol {
  constructor(readonly inner: IProtocol) {
    const half = inner as Partial<{ readConnectionLost(): CallbackResult; writeConnectionLost(): CallbackResult }>;
    if (typeof half.readConnectionLost === "function" && typeof half.writeConnectionLost === "function") {
      const target = this as unknown as Record<string, unknown>;
      target.readConnectionLost = () => half.readConnectionLost?.call(inner);
      target.writeConnectionLost = () => half.writeConnectionLost?.call(inner);
    }
  }
  makeConnection(transport: ITransport): CallbackResult {
    return this.inner.makeConnection(transport);
  }
  connectionMade(): CallbackResult {
    return this.inner.connectionMade();
  }
  dataReceived(data: Buffer): CallbackResult {
    return this.inner.dataReceived(data);
  }
  connectionLost(reason: Failure): CallbackResult {
    return endConnection(this.inner, reason);
  }
}

/** Borrows each read and hands the inner protocol a copy it owns. */
export class BorrowingAdapter extends Adapter implements IBorrowingProtocol {
  readonly borrowsReceivedData = true;
  override dataReceived(data: Buffer): CallbackResult {
    return this.inner.dataReceived(Buffer.from(data));
  }
}

/** Reads into one reused buffer of its own and hands the inner protocol copies. */
export class BufferedAdapter extends Adapter implements IBufferedProtocol {
  readonly buffer: Buffer;
  getBufferCalls = 0;
  updates = 0;
  constructor(inner: IProtocol, size = 4096) {
    super(inner);
    this.buffer = Buffer.alloc(size);
  }
  getBuffer(sizeHint: number): Uint8Array {
    this.getBufferCalls++;
    return this.buffer;
  }
  bufferUpdated(nbytes: number): CallbackResult {
    this.updates++;
    return this.inner.dataReceived(Buffer.from(this.buffer.subarray(0, nbytes)));
  }
}

/** `protocol` as the given read path needs it (itself for `owned`). */
export function adapt(protocol: IProtocol, path: ReadPath): IProtocol {
  if (path === "borrowed") return new BorrowingAdapter(protocol);
  if (path === "buffered") return new BufferedAdapter(protocol);
  return protocol;
}
