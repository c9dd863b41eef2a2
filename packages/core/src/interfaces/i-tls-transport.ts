import type { ITransport } from "./i-transport.js";

/** Options of {@link ITLSTransport.startTLS}. */
export interface StartTLSOptions {
  /**
   * Bytes the protocol already received on this transport but that belong after the
   * switch (what its parser still buffers after the `STARTTLS` command, e.g. a
   * LineReceiver's `clearLineBuffer()`). They are handed to the TLS layer as the first
   * TLS input, never delivered as plaintext. @default none
   */
  readonly alreadyReceived?: Uint8Array;
}

/**
 * A stream transport that can switch to TLS mid-stream (Twisted's `ITLSTransport`): TCP
 * and Unix transports.
 */
export interface ITLSTransport extends ITransport {
  /**
   * Starts TLS now. `contextFactory` is `@torsion/tls`'s `CertificateOptions` or what
   * `optionsForClientTLS` returns. `normal` (default `true`): a connection this side
   * connected acts as TLS client and an accepted one as TLS server; `false` swaps the roles.
   *
   * Plaintext written before the call goes out first, in order; everything written after
   * it is encrypted (held until the handshake is done). Every read after the call goes to
   * TLS; bytes the protocol has already consumed are its own, unless handed back through
   * `options.alreadyReceived`. The protocol stays the same object: it gets no second
   * `connectionMade`; its `transport` becomes an `ISSLTransport`, and it gets
   * `handshakeCompleted()` if it declares it. A handshake failure arrives as
   * `connectionLost` with a `TLSError`. A second call throws (`OnlyOneTLSError`).
   *
   * @throws TLSNotAvailableError when `@torsion/tls` is not loaded
   */
  startTLS(contextFactory: object, normal?: boolean, options?: StartTLSOptions): void;
}
