/**
 * The Node built-ins of this package, loaded on first use instead of at import.
 *
 * `NodeReactor` and the umbrella load `@torsion/endpoints`; `node:dns/promises` is needed
 * only when a name is resolved, `node:crypto` only when PEM files are checked, so neither
 * is loaded into a process that never does (see `@torsion/tls`'s `lazy-builtins.ts`). Only
 * built-ins are loaded this way: they are always present, bundled or not.
 */
// Aliased: a bundle's documented banner (README, "Bundling") declares `createRequire` itself.
import { createRequire as requireFrom } from "node:module";
import type dns from "node:dns/promises";
import type crypto from "node:crypto";

const load = requireFrom(import.meta.url);

let dnsModule: typeof dns | null = null;
let cryptoModule: typeof crypto | null = null;

/** `node:dns/promises`, loaded by the first call. */
export function nodeDNS(): typeof dns {
  dnsModule ??= load("node:dns/promises") as typeof dns;
  return dnsModule;
}

/** `node:crypto`, loaded by the first call. */
export function nodeCrypto(): typeof crypto {
  cryptoModule ??= load("node:crypto") as typeof crypto;
  return cryptoModule;
}
