/**
 * Errors of `@torsion/stream`. Connection reasons (`ConnectionDone`, `ConnectionLost`, ...),
 * connect/bind errors and the contract errors (`ProducerAlreadyRegisteredError`,
 * `ConnectorBusyError`, `AlreadyListeningError`) live in `@torsion/core`, so the fakes of
 * `@torsion/testing` throw the same classes; the last three are re-exported here for
 * existing imports.
 */
export { AlreadyListeningError, ConnectorBusyError, ProducerAlreadyRegisteredError } from "@torsion/core";
