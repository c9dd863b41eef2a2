/** Tasks for the thread benchmarks. */
import { createHash } from "node:crypto";
// From @torsion/threads rather than the umbrella package: every worker imports this module.
import { defineTask } from "@torsion/threads";

export const echo = defineTask(import.meta.url, "echo", (value: number) => value);

export const hash = defineTask(import.meta.url, "hash", (rounds: number) => {
  let digest = createHash("sha256").update("bench").digest();
  for (let i = 1; i < rounds; i++) digest = createHash("sha256").update(digest).digest();
  return digest.toString("hex");
});
