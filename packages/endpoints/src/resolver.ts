import createDebug from "debug";
import { Deferred, Failure, maybeDeferred } from "@torsion/defer";
import { ConnectingCancelledError, DNSLookupError } from "@torsion/core";
import { nodeDNS } from "./lazy-builtins.js";

const debug = createDebug("torsion:endpoints:resolver");

/** One address a name resolved to. */
export interface ResolvedAddress {
  /** An IPv4 or IPv6 literal. */
  readonly address: string;
  readonly family: 4 | 6;
}

/** What a resolver is asked for. */
export interface ResolveOptions {
  /** 0: any family; 4 or 6: only that family. */
  readonly family: 0 | 4 | 6;
}

/**
 * Resolves a host name to addresses, in the order they should be tried (Twisted's
 * `IHostnameResolver`, as one function). It may return a Deferred (a test resolver can
 * then answer synchronously), a promise, or the list itself; a failure or an empty list
 * becomes `DNSLookupError`.
 */
export type HostnameResolver = (
  host: string,
  options: ResolveOptions,
) => readonly ResolvedAddress[] | PromiseLike<readonly ResolvedAddress[]> | Deferred<readonly ResolvedAddress[]>;

/**
 * The default resolver: `dns.lookup(host, {all: true, family, order: "verbatim"})`, the
 * system's `getaddrinfo` (as Twisted's default), keeping the system's order.
 */
export const defaultResolver: HostnameResolver = async (host, options) => {
  const results = await nodeDNS().lookup(host, { all: true, family: options.family, verbatim: true });
  debug("%s resolved to %o", host, results);
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

/** Whether `host` is an IPv6 literal (the only kind of host with a colon). */
export function isIPv6Literal(host: string): boolean {
  return host.includes(":");
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** Whether `host` is a dotted-quad IPv4 literal. */
export function isIPv4Literal(host: string): boolean {
  return IPV4.test(host);
}

/**
 * Resolves `host` with `resolver` into a cancellable Deferred: it fires with the
 * addresses (never empty), fails with `DNSLookupError`, or, when cancelled before the
 * answer, fails with `ConnectingCancelledError` (the late answer is then ignored).
 */
export function resolve(resolver: HostnameResolver, host: string, family: 0 | 4 | 6): Deferred<readonly ResolvedAddress[]> {
  const result = new Deferred<readonly ResolvedAddress[]>((d) => {
    d.errback(new ConnectingCancelledError(`Connecting to ${host} was cancelled during name resolution.`));
  });
  maybeDeferred(() => resolver(host, { family })).addCallbacks(
    (addresses) => {
      if (result.called) return;
      // `as number`: an injected lookup may return other families.
      const usable = addresses.filter((a) => (a.family as number) === 4 || (a.family as number) === 6);
      if (usable.length === 0) result.errback(new DNSLookupError(`no results for hostname lookup: ${host}`));
      else result.callback(usable);
    },
    (failure: Failure) => {
      if (result.called) return;
      result.errback(new DNSLookupError(`Couldn't find the hostname '${host}'`, { cause: failure.value }));
    },
  );
  return result;
}

/** {@link resolve} for one family, taking the first address. */
export function resolveFirst(resolver: HostnameResolver, host: string, family: 4 | 6): Deferred<string> {
  return resolve(resolver, host, family).addCallback((addresses) => {
    const first = addresses.find((a) => a.family === family);
    if (first === undefined) throw new DNSLookupError(`no IPv${family} results for hostname lookup: ${host}`);
    return first.address;
  });
}
