import createDebug from "debug";
import { DecodeError, type CallbackResult, type IDecoder, type ITransport } from "@torsion/core";
import { HandlerResults } from "./handler-results.js";

const debug = createDebug("torsion:protocols:framing-driver");

/**
 * What a {@link FramingDriver} needs of its protocol: the transport, read at each use,
 * `null` before `makeConnection` (the driver then delivers but cannot pause or close). A
 * `Protocol` offers it as `transportOrNull` (its `transport` throws before
 * `makeConnection`); any other owner may offer a nullable `transport`.
 */
export type FramingOwner = { readonly transportOrNull: ITransport | null } | { readonly transport: ITransport | null };

/** The owner's transport, or `null`. */
function transportOf(owner: FramingOwner): ITransport | null {
  return "transportOrNull" in owner ? owner.transportOrNull : owner.transport;
}

/**
 * What the driver's delivering methods (`dataReceived`, `resumeProducing`,
 * `connectionLost`) return for handlers that return `R`: nothing when `R` is `void`;
 * otherwise nothing, or the promise of the handlers' results (see
 * {@link FramingDriver}, "Async handlers").
 */
export type FramingResult<R extends CallbackResult> = [R] extends [void] ? void : CallbackResult;

/** Options of {@link FramingDriver}. */
export interface FramingDriverOptions<F, O extends FramingOwner = FramingOwner, R extends CallbackResult = void> {
  /**
   * Hands one frame to the protocol: called as `deliver(frame, owner)`, once per frame, in
   * order, never nested (see the class documentation for when it is not called). An arrow
   * function (`(frame) => this.frameReceived(frame)`) is simplest; a protocol on a hot
   * path may pass one function shared by all its instances (a static method using the
   * `owner` argument), which keeps the driver's call site monomorphic across
   * connections. What it throws propagates out of `dataReceived` to the transport, which
   * reports it and aborts the connection; what it returns (an `async` handler's promise,
   * a Deferred) is handed back the same way (see the class documentation).
   */
  readonly deliver: (frame: F, owner: O) => R;
  /**
   * Told about a {@link DecodeError} thrown by the decoder's `next()`, once, just before
   * the driver calls `transport.loseConnection()` (so a reply written here is flushed
   * before the close). Optional; the error is also kept as {@link FramingDriver.decodeError}.
   */
  readonly decodeFailed?: (error: DecodeError) => void;
  /**
   * Whether {@link FramingDriver.connectionLost} delivers the frames still held and those
   * the end of stream completes (see there). @default false: they are dropped, as every
   * Twisted framing protocol drops a partial frame at the end.
   */
  readonly deliverAtEnd?: boolean;
  /** A name for debug lines (the protocol's class name, say). @default "FramingDriver" */
  readonly name?: string;
}

const State = { open: 0, broken: 1, finished: 2 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * The one framing driver: turns the bytes a transport delivers into calls of a protocol's
 * frame handler, through an {@link IDecoder}. Every framing protocol (`LineReceiver`,
 * `LineOnlyReceiver`, `NetstringReceiver`, the `Int*StringReceiver`s, and the wire
 * protocols built on them) is a decoder plus this driver plus its handlers; the decoder
 * parses, the driver decides when frames are delivered:
 *
 * - **Delivery.** `dataReceived(data)` feeds the decoder and delivers every frame it
 *   completes, in order, before returning. Frames are the decoder's (often views of
 *   `data`, which the protocol owns per the `dataReceived` contract).
 * - **Closing.** Before each frame it reads `transport.disconnecting`; once that is true
 *   (a handler called `loseConnection()`/`abortConnection()`, or the transport is
 *   closing) nothing more is delivered, and bytes received afterwards are dropped. So a
 *   handler that closes on `QUIT` never sees the frames that followed it in the same read.
 * - **Pausing.** {@link pauseProducing} stops delivery and pauses the transport (it stops
 *   reading); complete frames stay in the decoder, and chunks already in flight are
 *   queued there by reference. {@link resumeProducing} resumes the transport and delivers
 *   what is held. {@link stopProducing} stays paused for good and stops the transport.
 *   Protocols that are push producers (Twisted's `LineReceiver`, `IntNStringReceiver`)
 *   forward their three methods here.
 * - **Re-entrancy.** `dataReceived` called from inside a handler (directly, or through a
 *   method such as `LineReceiver.setLineMode(extra)`) only feeds the decoder; the outer
 *   call delivers those frames after the handler returns, in order. Handlers never nest.
 * - **Decode errors.** A {@link DecodeError} thrown by the decoder's `next()` means the
 *   peer sent bytes that cannot be framed. The driver stops for good (later bytes are
 *   dropped), keeps the error as {@link decodeError}, calls the `decodeFailed` option,
 *   then closes cleanly with `transport.loseConnection()` (queued writes are flushed; the
 *   protocol's `connectionLost` gets `ConnectionDone`). It is logged on the debug logger
 *   `torsion:protocols:framing-driver`, **not** through the error reporter: malformed
 *   input is the peer's doing, not a fault of the program, and reporting it would let
 *   any client write to the server's error log at will. A protocol that wants it
 *   reported does so in `decodeFailed`. Any other exception from the decoder is a bug: it
 *   propagates, and the transport reports it and aborts the connection.
 * - **End of stream.** The protocol's `connectionLost` calls {@link connectionLost},
 *   which calls the decoder's `finish()`. With `deliverAtEnd`, the frames still held
 *   (even while paused) and those the end completes are then delivered, unless delivery
 *   had already stopped because the transport was disconnecting or the decoder failed;
 *   without it (the default) they are dropped.
 * - **Async handlers.** `deliver` may return a promise or a Deferred (an `async`
 *   handler such as `override async lineReceived()`). The driver does not wait for it:
 *   the next frame is delivered at once. The method that delivered the frames
 *   (`dataReceived`, `resumeProducing`, `connectionLost`) returns what they returned:
 *   `undefined` when every handler returned `undefined` (the usual case, which costs one
 *   comparison per frame), the one promise or Deferred a handler returned, or one promise
 *   of several (rejected with the first rejection). The protocol returns it from its own
 *   `dataReceived` (and `resumeProducing`, `connectionLost`), and the transport watches it
 *   as it watches an `async dataReceived` (core's `watchResult`): a rejection is handled
 *   exactly like a synchronous throw from the handler, reported once through the error
 *   reporter and aborting that connection alone, with the error as its `connectionLost`
 *   reason (from `connectionLost`, only reported). If a later handler of the same run
 *   throws, the throw propagates and the results already returned are handed back by the
 *   next of those methods (at the latest `connectionLost`), so their failures are still
 *   reported. A re-entrant `dataReceived` (from a handler) returns `undefined`: the outer
 *   call returns the results of the frames it delivers.
 *
 * The decoder may be given as a function that creates it: it is then created on the
 * first `dataReceived` (or first use), after a subclass's field initialisers have run, so
 * it can read settings such as `MAX_LENGTH` that subclasses override with class fields.
 *
 * @example NUL-terminated messages
 * A protocol of NUL-terminated messages: a decoder (see `IDecoder`) plus the driver.
 * ```ts
 * class NulProtocol extends Protocol {
 *   readonly #framing = new FramingDriver(this, () => new NulDecoder(), {
 *     deliver: (message: Buffer) => this.messageReceived(message),
 *   });
 *   override dataReceived(data: Buffer): void { this.#framing.dataReceived(data); }
 *   override connectionLost(reason: Failure): void { this.#framing.connectionLost(); }
 *   messageReceived(message: Buffer): void {
 *     if (message.toString() === "QUIT") this.transport!.loseConnection(); // nothing after this
 *   }
 * }
 * ```
 *
 * @typeParam F - the decoder's frame type.
 * @typeParam O - the owner (the protocol), as `deliver` receives it.
 * @typeParam R - what `deliver` returns: `void` (the default) for synchronous handlers,
 *   `CallbackResult` (`void | PromiseLike<unknown>`) for handlers that may be `async`.
 */
export class FramingDriver<F, O extends FramingOwner = FramingOwner, R extends CallbackResult = void> {
  readonly #owner: O;
  readonly #deliver: (frame: F, owner: O) => R;
  readonly #decodeFailed: ((error: DecodeError) => void) | undefined;
  readonly #deliverAtEnd: boolean;
  readonly #name: string;
  #makeDecoder: (() => IDecoder<F>) | null;
  #decoder: IDecoder<F> | null;
  #state: State = State.open;
  #paused = false;
  #busy = false;
  #stoppedByClose = false;
  #decodeError: DecodeError | null = null;
  readonly #results = new HandlerResults();

  /**
   * @param owner - the protocol (its `transport` is read at each use, so the driver can
   *   be created in a field initialiser, before `makeConnection`).
   * @param decoder - the decoder, or a function creating it on first use.
   */
  constructor(owner: O, decoder: IDecoder<F> | (() => IDecoder<F>), options: FramingDriverOptions<F, O, R>) {
    this.#owner = owner;
    if (typeof decoder === "function") {
      this.#makeDecoder = decoder;
      this.#decoder = null;
    } else {
      this.#makeDecoder = null;
      this.#decoder = decoder;
    }
    this.#deliver = options.deliver;
    this.#decodeFailed = options.decodeFailed;
    this.#deliverAtEnd = options.deliverAtEnd ?? false;
    this.#name = options.name ?? "FramingDriver";
  }

  /** The decoder (created now if it was given as a function). */
  get decoder(): IDecoder<F> {
    return this.#decoder ?? this.#create();
  }

  /**
   * True while delivery is paused ({@link pauseProducing}, {@link stopProducing}).
   * Setting it only changes the flag (no transport call, no delivery), as assigning
   * Twisted's `paused` attribute does.
   */
  get paused(): boolean {
    return this.#paused;
  }

  set paused(value: boolean) {
    this.#paused = value;
  }

  /** The decode error that stopped the driver, or `null`. */
  get decodeError(): DecodeError | null {
    return this.#decodeError;
  }

  /** How many received bytes are held and not yet delivered (0 after `connectionLost`). */
  get bufferedLength(): number {
    return this.#state === State.open && this.#decoder !== null ? this.#decoder.bufferedLength : 0;
  }

  /**
   * Feeds `data` (kept by reference) and delivers the frames it completes; from inside a
   * handler, only feeds. Dropped once the transport is disconnecting, after a decode
   * error, and after `connectionLost`. Returns what the handlers returned (see "Async
   * handlers" above); the protocol returns it from its `dataReceived`.
   */
  dataReceived(data: Uint8Array): FramingResult<R> {
    if (this.#state !== State.open || this.#closing()) {
      this.#drop(data);
    } else {
      const decoder = this.#decoder ?? this.#create();
      decoder.feed(data);
      if (!this.#busy) this.#drain(decoder);
    }
    return this.#settle();
  }

  /** Pauses delivery and the transport. Idempotent. */
  pauseProducing(): void {
    this.#paused = true;
    transportOf(this.#owner)?.pauseProducing();
  }

  /**
   * Resumes the transport, then delivers the frames held while paused. Returns what the
   * handlers returned (see "Async handlers" above).
   */
  resumeProducing(): FramingResult<R> {
    this.#paused = false;
    transportOf(this.#owner)?.resumeProducing();
    const decoder = this.#decoder;
    if (!this.#busy && decoder !== null && this.#state === State.open && !this.#closing()) this.#drain(decoder);
    return this.#settle();
  }

  /** Stops for good: stays paused and stops the transport. */
  stopProducing(): void {
    this.#paused = true;
    transportOf(this.#owner)?.stopProducing();
  }

  /**
   * End of stream: call it from the protocol's `connectionLost`. Finishes the decoder and,
   * with `deliverAtEnd` (unless delivery had stopped because the transport was
   * disconnecting or the decoder failed), delivers every frame it still gives, paused or
   * not. Afterwards everything fed is dropped. Idempotent. Returns what the handlers
   * returned, including any results a run that ended in a throw left (see "Async
   * handlers" above); the protocol returns it from its `connectionLost`.
   */
  connectionLost(): FramingResult<R> {
    const wasOpen = this.#state === State.open;
    this.#state = State.finished;
    const decoder = this.#decoder;
    if (wasOpen && decoder !== null) this.#finish(decoder);
    return this.#settle();
  }

  #finish(decoder: IDecoder<F>): void {
    decoder.finish();
    if (!this.#deliverAtEnd || this.#stoppedByClose) {
      this.#decoder = null;
      return;
    }
    const wasBusy = this.#busy;
    const results = this.#results;
    this.#busy = true;
    let threw = true;
    try {
      for (let frame = this.#next(decoder); frame !== undefined; frame = this.#next(decoder))
        results.add(this.#deliver(frame, this.#owner));
      threw = false;
    } finally {
      if (threw) results.hold();
      this.#busy = wasBusy;
      this.#decoder = null;
    }
  }

  /** What a delivering method returns: the kept results, unless a run is still going on (it returns them). */
  #settle(): FramingResult<R> {
    return (this.#busy ? undefined : this.#results.settle()) as FramingResult<R>;
  }

  #create(): IDecoder<F> {
    const make = this.#makeDecoder as () => IDecoder<F>;
    const decoder = make();
    this.#decoder = decoder;
    this.#makeDecoder = null;
    return decoder;
  }

  #closing(): boolean {
    const closing = transportOf(this.#owner)?.disconnecting === true;
    if (closing) this.#stoppedByClose = true;
    return closing;
  }

  /** Delivers the frames `decoder` gives, keeping what the handlers return in {@link #results}. */
  #drain(decoder: IDecoder<F>): void {
    this.#busy = true;
    const results = this.#results;
    let decoding = false;
    try {
      while (!this.#paused) {
        if (transportOf(this.#owner)?.disconnecting === true) {
          this.#stoppedByClose = true;
          return;
        }
        decoding = true;
        const frame = decoder.next();
        decoding = false;
        if (frame === undefined) return;
        const result = this.#deliver(frame, this.#owner);
        if (result !== undefined) results.add(result);
      }
    } catch (error) {
      if (!decoding || !(error instanceof DecodeError)) {
        results.hold();
        throw error;
      }
      this.#failed(error);
    } finally {
      this.#busy = false;
    }
  }

  /** `decoder.next()`, with a decode error handled (outside the hot loop of {@link #drain}). */
  #next(decoder: IDecoder<F>): F | undefined {
    try {
      return decoder.next();
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.#failed(error);
      return undefined;
    }
  }

  #failed(error: DecodeError): void {
    const wasOpen = this.#state === State.open;
    if (wasOpen) this.#state = State.broken;
    this.#decodeError = error;
    this.#decoder = null;
    debug("%s: %s: %s; closing", this.#name, error.name, error.message);
    if (this.#decodeFailed !== undefined) this.#decodeFailed(error);
    transportOf(this.#owner)?.loseConnection();
  }

  #drop(data: Uint8Array): void {
    if (data.length > 0) debug("%s: dropped %d bytes received after delivery stopped", this.#name, data.length);
  }
}
