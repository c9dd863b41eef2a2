// The CPU-bound work of the hash server, run in worker threads.
import { createHash } from "node:crypto";
import { defineTask } from "torsion";

// Hashes `text` `rounds` times with SHA-256 (each round hashes the previous digest).
export const stretch = defineTask(import.meta.url, "stretch", (text: string, rounds: number) => {
  let digest = createHash("sha256").update(text).digest();
  for (let i = 1; i < rounds; i++) digest = createHash("sha256").update(digest).digest();
  return digest.toString("hex");
});
