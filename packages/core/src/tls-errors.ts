/**
 * The contract error of `ITLSTransport.startTLS` when no TLS implementation is loaded. It
 * lives in `@torsion/core` (not `@torsion/tls`) because the stream transports throw it
 * precisely when `@torsion/tls` is absent.
 */
import { TorsionError } from "@torsion/defer";

/**
 * `startTLS` was called on a stream transport (TCP, Unix) but no TLS implementation is
 * registered. `@torsion/tls` registers itself when it is imported, so import it once
 * (`import "@torsion/tls";`, or anything from `torsion`'s TLS exports) before switching a
 * connection to TLS. Thrown synchronously; the transport is unchanged and still plaintext.
 * (The TLS endpoints fail with `@torsion/endpoints`' `TLSNotAvailableError` instead.)
 */
export class TLSNotLoadedError extends TorsionError {
  override name = "TLSNotLoadedError";
  override readonly code: string = "ERR_TLS_NOT_LOADED";
  constructor(
    message = 'startTLS needs @torsion/tls, which is not loaded: add `import "@torsion/tls";` once (it registers itself)',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
