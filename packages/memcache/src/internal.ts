/**
 * `@torsion/memcache/internal`: the Python-compatible integer parser and bytes repr that make replies and errors match Twisted's, exported for tests.
 *
 * **Unstable:** anything here may change or disappear in any release, without notice.
 * Use the names in `@torsion/memcache` instead.
 * @packageDocumentation
 */
export { parsePythonInt, pythonBytesRepr } from "./wire.js";
