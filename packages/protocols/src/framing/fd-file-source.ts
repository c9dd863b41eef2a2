import { readSync } from "node:fs";
import type { FileSource } from "./file-sender.js";

/**
 * A {@link FileSource} reading an open file descriptor with `fs.readSync`, from the
 * descriptor's current position onwards (each `read` allocates a fresh buffer of at most
 * `size` bytes). Reading a local file is not network I/O; the descriptor stays open:
 * close it yourself when the transfer's Deferred has fired.
 */
export function fdFileSource(fd: number): FileSource {
  let ended = false;
  return {
    read(size: number): Uint8Array | null {
      if (ended) return null;
      const buffer = Buffer.allocUnsafe(size);
      const count = readSync(fd, buffer, 0, size, null);
      if (count === 0) {
        ended = true;
        return null;
      }
      return buffer.subarray(0, count);
    },
  };
}
