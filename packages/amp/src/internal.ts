/**
 * `@torsion/amp/internal`: the Python-compatible number parsers and reprs that make AMP's wire values match Twisted's byte for byte, and the error mapping of a command's responder, exported for tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/amp` instead.
 * @packageDocumentation
 */
export { parsePythonInt } from "./argument.js";
export { pyFloatRepr, parsePythonFloat } from "./python-float.js";
export { pyBytesRepr } from "./py-repr.js";
export { massageError } from "./responder-support.js";
