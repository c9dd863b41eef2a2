import { posix } from "node:path";
import { decodeUtf8, defineArgument, encodeUtf8, type ArgumentOf, type ArgumentOptions } from "./argument.js";
import { ArgumentUnsupportedError } from "./errors.js";

/**
 * Twisted's `Path` (a `FilePath`): a path as UTF-8, made absolute and normalised on both
 * sides (`/a/../b` is `/b`). A relative path is resolved against this process's working
 * directory, as Twisted does, which is rarely what a peer expects: send absolute paths.
 */
export function Path<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<string, string, O> {
  return defineArgument(
    "Path",
    options,
    (value: string) => encodeUtf8(typeof value === "string" ? posix.resolve(value) : value, "Path"),
    (wire) => posix.resolve(decodeUtf8(wire, "Path")),
  );
}

/**
 * Twisted's `Descriptor` (a file descriptor passed with `SCM_RIGHTS` over a Unix socket,
 * the wire value being its ordinal). Node's `net` module cannot send or receive file
 * descriptors on a socket, so both directions throw {@link ArgumentUnsupportedError}; a
 * command using it can be declared (to talk about it) but not called.
 */
export function Descriptor<const O extends ArgumentOptions | undefined = undefined>(options?: O): ArgumentOf<number, number, O> {
  const unsupported = (): never => {
    throw new ArgumentUnsupportedError("Descriptor: Node cannot pass file descriptors over a socket (SCM_RIGHTS)");
  };
  return defineArgument("Descriptor", options, unsupported, unsupported);
}
