/**
 * `@torsion/tls/internal`: the duplex stream that feeds a Torsion transport to `node:tls`, exported for tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/tls` instead.
 * @packageDocumentation
 */
export { TransportDuplex } from "./transport-duplex.js";
