/**
 * The Node built-ins of this package, loaded on first use instead of at import.
 *
 * `NodeReactor` and the umbrella import `@torsion/tls` so that `listenSSL`, `connectSSL`
 * and `startTLS` work synchronously; loading `node:tls` and `node:crypto` with it would
 * put them in the start RSS of every process, TLS or not (with the other packages' lazy
 * built-ins, 1.3-1.9 MiB: see ARCHITECTURE.md). Only built-ins are loaded this way: they
 * are always present, so a bundled application behaves the same.
 */
// Aliased: a bundle's documented banner (README, "Bundling") declares `createRequire` itself.
import { createRequire as requireFrom } from "node:module";
import type tls from "node:tls";
import type crypto from "node:crypto";

const load = requireFrom(import.meta.url);

let tlsModule: typeof tls | null = null;
let cryptoModule: typeof crypto | null = null;

/** `node:tls`, loaded by the first call. */
export function nodeTLS(): typeof tls {
  tlsModule ??= load("node:tls") as typeof tls;
  return tlsModule;
}

/** `node:tls` if something loaded it through {@link nodeTLS}, else `null` (nothing loads it). */
export function loadedTLS(): typeof tls | null {
  return tlsModule;
}

/** `node:crypto`, loaded by the first call. */
export function nodeCrypto(): typeof crypto {
  cryptoModule ??= load("node:crypto") as typeof crypto;
  return cryptoModule;
}
