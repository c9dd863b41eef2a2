import createDebug from "debug";
import {
  ConnectionClosed,
  ConnectionLost,
  DecodeError,
  Protocol,
  type IProtocol,
  type IProtocolFactory,
  type ITransport,
} from "@torsion/core";
import { Failure, reportError } from "@torsion/defer";
import { FramingDriver } from "@torsion/protocols";
import type { AmpBox } from "./amp-box.js";
import { BinaryBoxDecoder, type BinaryBoxDecoderOptions, type BinaryBoxState } from "./binary-box-decoder.js";
import type { BoxPlan, PlanExtra, PlanWires } from "./box-plan.js";
import { PeerVerifyError, ProtocolSwitched, TLSUnsupportedError } from "./errors.js";

const debug = createDebug("torsion:amp:binary-box-protocol");

/** The context string used when bad input from a peer is reported. */
export const BAD_INPUT_CONTEXT = "AMP: bad input from the peer; dropping the connection";

/** A transport that can switch to TLS (duck-typed: TLS transports offer `startTLS`). */
export interface IStartTLSTransport extends ITransport {
  startTLS(options: unknown): void;
}

/** True when `transport` has a `startTLS` method. */
export function canStartTLS(transport: ITransport | null): transport is IStartTLSTransport {
  return transport !== null && typeof (transport as Partial<IStartTLSTransport>).startTLS === "function";
}

/** Something that can be told the connection of a switched-to protocol was lost. */
export interface ISwitchClientFactory {
  clientConnectionLost(connector: null, reason: Failure): void;
  clientConnectionFailed(connector: null, reason: Failure): void;
}

/** The framing driver's owner: the protocol, and the transport the driver uses. */
interface DriverOwner {
  readonly protocol: BinaryBoxProtocol;
  readonly transportOrNull: ITransport | null;
}

/** Options of {@link BinaryBoxProtocol}. */
export interface BinaryBoxProtocolOptions extends BinaryBoxDecoderOptions {
  /**
   * Boxes sent while received data is being dispatched (answers, and calls made by
   * callbacks that run synchronously) are written together, in order, with one
   * `writeSequence` when the received chunk is done, instead of one `write` each. The bytes
   * on the wire are the same; only the number of writes (system calls) changes. Every
   * direct use of `transport` (a write, `loseConnection`, `startTLS`, ...) flushes the
   * pending boxes first, so ordering is kept. `false` gives Twisted's one write per box.
   * @default true
   */
  readonly coalesceWrites?: boolean;
}

/**
 * With `coalesceWrites`, the boxes of a batch up to this long are written into one
 * process-wide scratch buffer (one connection's batch at a time: the one dispatching
 * received data), and copied out once per batch; bigger ones are kept by reference.
 */
const COPY_LIMIT = 4096;
const SCRATCH_SIZE = 64 * 1024;

/** The scratch of {@link COPY_LIMIT}: its bytes, how many are used, and the protocol whose batch they are. */
const scratch: { buffer: Buffer | null; pos: number; owner: BinaryBoxProtocol | null } = { buffer: null, pos: 0, owner: null };

const FLUSHING = new Set<PropertyKey>([
  "write",
  "writeSequence",
  "loseConnection",
  "abortConnection",
  "startTLS",
  "registerProducer",
  "unregisterProducer",
]);

/**
 * A protocol speaking AMP boxes over a byte stream (Twisted's `BinaryBoxProtocol`):
 * received bytes go through the one framing driver (`FramingDriver` of
 * `@torsion/protocols`) with a {@link BinaryBoxDecoder} as its decoder, and each box is
 * handed to {@link ampBoxReceived}; {@link sendBox} writes one box per `transport.write`
 * (or, with `coalesceWrites`, one `writeSequence` per received chunk).
 *
 * Delivery (the driver's rules) stops as soon as `transport.disconnecting` is true (boxes
 * after a close are not dispatched); it also stops when the connection switched to
 * another protocol (the decoder's unparsed bytes move to it), or after bad input. Bad
 * input (an over-long key, a box over the size limit, or an exception thrown by
 * {@link ampBoxReceived}) goes to {@link badInput}: it is reported, the connection is
 * closed, and the error becomes the reason {@link stopReceivingBoxes} gets. A partial box
 * at the end of the stream is dropped.
 */
export class BinaryBoxProtocol extends Protocol<IProtocolFactory, ITransport> {
  /** The protocol this connection switched to, or `null`. */
  innerProtocol: IProtocol | null = null;
  innerProtocolClientFactory: ISwitchClientFactory | null = null;
  readonly #decoder: BinaryBoxDecoder;
  readonly #framing: FramingDriver<AmpBox, DriverOwner>;
  #busy = false;
  #broken = false;
  /** Set while {@link badInput} runs for a decode error: the driver closes right after it. */
  #driverCloses = false;
  #locked = false;
  #stopReason: Error | null = null;
  /** The serialized boxes held while StartTLS is negotiated. */
  #tlsBuffer: Buffer[] | null = null;
  #tlsStarted = false;
  #justStartedTLS = false;
  readonly #coalesce: boolean;
  #raw: ITransport | null = null;
  #batch: Buffer[] | null = null;

  constructor(options: BinaryBoxProtocolOptions = {}) {
    super();
    this.#decoder = new BinaryBoxDecoder(options);
    // The driver reads `disconnecting` before each box: it gets the real transport, not the
    // flushing view (no Proxy trap per box). Its one write-like call, the loseConnection after
    // a decode error, follows #failed, which flushes first.
    this.#framing = new FramingDriver<AmpBox, DriverOwner>(BinaryBoxProtocol.#ownerOf(this), this.#decoder, {
      deliver: BinaryBoxProtocol.#deliverBox,
      decodeFailed: (error) => this.#failed(error),
      name: "BinaryBoxProtocol",
    });
    this.#coalesce = options.coalesceWrites ?? true;
  }

  static #ownerOf(protocol: BinaryBoxProtocol): DriverOwner {
    return {
      protocol,
      get transportOrNull(): ITransport | null {
        return protocol.#raw ?? protocol.transportOrNull;
      },
    };
  }

  /** The driver's frame handler: one function for every connection (a monomorphic call site). */
  static readonly #deliverBox = (box: AmpBox, owner: DriverOwner): void => owner.protocol.#receive(box);

  /**
   * With `coalesceWrites`, `transport` is a thin view of the real transport that first
   * writes the boxes still pending (see {@link flushWrites}).
   */
  override makeConnection(transport: ITransport): void {
    this.#raw = transport;
    super.makeConnection(this.#coalesce ? this.#flushingView(transport) : transport);
  }

  #flushingView<T extends ITransport>(transport: T): T {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(transport, {
      get: (target, key) => {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== "function") return value;
        let bound = cache.get(key);
        if (bound === undefined) {
          const fn = value as (...args: unknown[]) => unknown;
          bound = FLUSHING.has(key)
            ? (...args: unknown[]) => {
                this.flushWrites();
                return fn.apply(target, args);
              }
            : fn.bind(target);
          cache.set(key, bound);
        }
        return bound;
      },
    });
  }

  /** Writes the boxes held by `coalesceWrites` now (one `writeSequence`). */
  flushWrites(): void {
    if (scratch.owner === this) {
      this.#sealScratch();
      scratch.owner = null;
    }
    const batch = this.#batch;
    if (batch === null || batch.length === 0) return;
    this.#batch = [];
    const raw = this.#raw as ITransport;
    if (batch.length === 1) raw.write(batch[0] as Buffer);
    else raw.writeSequence(batch);
  }

  /** Moves the bytes this batch wrote into the scratch to the batch, as one buffer of their own. */
  #sealScratch(): void {
    if (scratch.pos === 0) return;
    (this.#batch as Buffer[]).push(Buffer.from((scratch.buffer as Buffer).subarray(0, scratch.pos)));
    scratch.pos = 0;
  }

  /** True when `length` bytes may be written into the scratch at `scratch.pos` for this batch. */
  #claimScratch(length: number): boolean {
    if (this.#batch === null || this.#tlsBuffer !== null || length > COPY_LIMIT) return false;
    if (scratch.owner === null) {
      scratch.owner = this;
      scratch.pos = 0;
      scratch.buffer ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE);
    } else if (scratch.owner !== this) return false;
    if (scratch.pos + length > SCRATCH_SIZE) this.#sealScratch();
    return true;
  }

  /** Drops the batch (its boxes are not sent), the scratch's part included. */
  #dropBatch(): void {
    if (scratch.owner === this) {
      scratch.owner = null;
      scratch.pos = 0;
    }
    this.#batch = null;
  }

  /** The decoder's state (`init` between boxes). */
  get parserState(): BinaryBoxState {
    return this.#decoder.state;
  }

  /** Received bytes held and not yet delivered. */
  get bufferedLength(): number {
    return this.#decoder.bufferedLength;
  }

  /** True once {@link sendBox} refuses boxes because of a protocol switch. */
  get locked(): boolean {
    return this.#locked;
  }

  override dataReceived(data: Buffer): void {
    if (this.#justStartedTLS) this.#justStartedTLS = false;
    if (this.innerProtocol !== null) {
      this.innerProtocol.dataReceived(data);
      return;
    }
    if (this.#broken) return;
    if (this.#busy) {
      // Re-entrant (from a box handler): the driver only queues; the outer call delivers.
      this.#framing.dataReceived(data);
      return;
    }
    this.#busy = true;
    if (this.#coalesce) this.#batch = [];
    try {
      this.#framing.dataReceived(data);
    } finally {
      this.#busy = false;
      this.flushWrites();
      this.#dropBatch();
    }
  }

  /** One decoded box: dispatched unless the connection broke or switched meanwhile. */
  #receive(box: AmpBox): void {
    if (this.#broken || this.innerProtocol !== null || this.transportOrNull === null) return;
    try {
      this.ampBoxReceived(box);
    } catch (error) {
      this.#broken = true;
      this.badInput(new Failure(error).value);
    }
  }

  /** The decoder threw (bad framing, over a limit): the driver closes after this. */
  #failed(error: Error): void {
    try {
      if (this.#broken) return;
      this.#broken = true;
      this.#driverCloses = true;
      try {
        this.badInput(error);
      } finally {
        this.#driverCloses = false;
      }
    } finally {
      this.flushWrites();
    }
  }

  /**
   * Override: one box arrived. Throwing from here is treated as bad input (the
   * connection is dropped with the error as the reason). The default discards the box.
   */
  ampBoxReceived(box: AmpBox): void {
    debug("discarded %s", box);
  }

  /**
   * The peer sent something this protocol cannot accept. The default reports it through
   * the error reporter (a key too long is only logged, as Twisted does), remembers it as
   * the reason for {@link stopReceivingBoxes}, and calls `transport.loseConnection()`.
   * Nothing more is parsed on this connection.
   */
  badInput(error: Error): void {
    this.#stopReason = error;
    if (error instanceof DecodeError) debug("bad input: %s", error.message);
    else reportError(new Failure(error), BAD_INPUT_CONTEXT);
    if (!this.#driverCloses) this.transportOrNull?.loseConnection();
  }

  /**
   * Writes `box` (serialized) in one `transport.write`, or buffers it while TLS is being
   * negotiated.
   * @throws ProtocolSwitched when the connection switched (or is switching) protocols
   * @throws ConnectionLost when there is no transport
   * @throws TooLong / InvalidKeyError when the box cannot be serialized (nothing is written)
   */
  sendBox(box: AmpBox): void {
    this.checkSendable();
    this.writeBoxBytes(box.serialize());
  }

  /**
   * Internal (for {@link AMP}'s boxes written without an `AmpBox`): throws what
   * {@link sendBox} throws before it serializes.
   * @throws ProtocolSwitched, ConnectionLost
   */
  protected checkSendable(): void {
    if (this.#locked) throw new ProtocolSwitched("This connection has switched: no AMP traffic allowed.");
    if (this.transportOrNull === null) throw new ConnectionLost("no transport");
  }

  /** Internal: true when {@link sendBox} is this class's own (a subclass overriding it sees every box). */
  protected get sendsBoxesItself(): boolean {
    return this.sendBox === BinaryBoxProtocol.prototype.sendBox;
  }

  /** Internal: writes one serialized box as {@link sendBox} does, after {@link checkSendable}. */
  protected writeBoxBytes(wire: Buffer): void {
    if (this.#tlsBuffer !== null) this.#tlsBuffer.push(wire);
    else if (this.#batch !== null) {
      if (this.#claimScratch(wire.length)) scratch.pos += wire.copy(scratch.buffer as Buffer, scratch.pos);
      else {
        if (scratch.owner === this) this.#sealScratch();
        this.#batch.push(wire);
      }
    } else (this.#raw ?? this.transport).write(wire);
  }

  /**
   * Internal: writes the box of `plan` (as `plan.assemble(wires, extras)`) as
   * {@link writeBoxBytes} does, after {@link checkSendable}; within a batch, straight into
   * the scratch buffer.
   * @throws TooLong (`isLocal` true) when the box cannot be sent (nothing is written)
   */
  protected writePlanned(plan: BoxPlan, wires: PlanWires, extras: readonly PlanExtra[]): void {
    const length = plan.measure(wires, extras);
    if (this.#claimScratch(length)) {
      scratch.pos = plan.writeInto(wires, extras, scratch.buffer as Buffer, scratch.pos);
      return;
    }
    const out = Buffer.allocUnsafe(length);
    plan.writeInto(wires, extras, out, 0);
    this.writeBoxBytes(out);
  }

  /** Refuses every later {@link sendBox} (a protocol-switch command was sent or answered). */
  lockForSwitch(): void {
    this.#locked = true;
  }

  /** Undoes {@link lockForSwitch} after a refused switch. */
  unlockFromSwitch(): void {
    if (this.innerProtocol !== null) throw new ProtocolSwitched("Protocol already switched. Cannot unlock.");
    this.#locked = false;
  }

  /**
   * Hands the connection to `protocol`: bytes received but not parsed yet (and every later
   * byte) go to it; it gets `makeConnection` with this transport, and `connectionLost` when
   * the connection ends (`clientFactory.clientConnectionLost` too, when given).
   */
  switchTo(protocol: IProtocol, clientFactory: ISwitchClientFactory | null = null): void {
    this.flushWrites();
    const remainder = this.#decoder.takeRemainder();
    this.innerProtocol = protocol;
    this.innerProtocolClientFactory = clientFactory;
    protocol.makeConnection(this.transport);
    if (remainder.length > 0) protocol.dataReceived(remainder);
  }

  /** Starts buffering outgoing boxes until {@link startTLS} (the client side of `StartTLS`). */
  prepareTLS(): void {
    this.#tlsBuffer = [];
  }

  /**
   * Stops buffering for a StartTLS that failed: the held boxes are dropped (never sent in
   * the clear). Returns how many there were.
   */
  abandonTLS(): number {
    const held = this.#tlsBuffer?.length ?? 0;
    this.#tlsBuffer = null;
    return held;
  }

  /** True once TLS was started on this connection. */
  get tlsStarted(): boolean {
    return this.#tlsStarted;
  }

  /**
   * Calls `transport.startTLS(options)`, then flushes the boxes buffered since
   * {@link prepareTLS}.
   * @throws TLSUnsupportedError when the transport has no `startTLS`
   */
  startTLS(options: unknown): void {
    const transport = this.transportOrNull;
    if (!canStartTLS(transport)) throw new TLSUnsupportedError("this transport cannot start TLS");
    this.flushWrites();
    this.#tlsStarted = true;
    this.#justStartedTLS = true;
    transport.startTLS(options);
    const buffered = this.#tlsBuffer;
    this.#tlsBuffer = null;
    if (buffered !== null)
      for (const wire of buffered) {
        this.checkSendable();
        this.writeBoxBytes(wire);
      }
  }

  override connectionLost(reason: Failure): void {
    this.#dropBatch();
    this.#framing.connectionLost();
    if (this.innerProtocol !== null) {
      this.innerProtocol.connectionLost(reason);
      this.innerProtocolClientFactory?.clientConnectionLost(null, reason);
    }
    let failReason: Failure = reason;
    if (this.#stopReason !== null) failReason = new Failure(this.#stopReason);
    else if (this.#justStartedTLS && reason.value instanceof ConnectionClosed) {
      failReason = new Failure(new PeerVerifyError("Peer rejected our certificate for an unknown reason."));
    }
    this.stopReceivingBoxes(failReason);
  }

  /** Override: no more boxes will arrive; `reason` says why. Called once, from `connectionLost`. */
  stopReceivingBoxes(reason: Failure): void {
    debug("stopped receiving boxes: %s", reason.value.name);
  }
}
