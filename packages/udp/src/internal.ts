/**
 * `@torsion/udp/internal`: the address helpers behind the UDP ports (host checks, bind targets, the IP-literal lookup, the resolved-address cache), exported for tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/udp` instead.
 * @packageDocumentation
 */
export { AddressCache, type AddressCacheOptions } from "./address-cache.js";
export { bindTarget, checkHost, splitAddress, ipLiteralLookup, type BindTarget, type LookupCallback } from "./datagram-address.js";
