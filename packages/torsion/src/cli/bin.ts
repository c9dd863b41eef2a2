/** The `torsion` executable's body: {@link runCli} with the real process around it. */
import os from "node:os";
import { reactor } from "../index.js";
import { runCli } from "./main.js";

/** Runs the command line of this process and sets `process.exitCode` (never `process.exit`). */
export async function main(): Promise<void> {
  process.exitCode = await runCli({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    cpuCount: os.availableParallelism(),
    reactor,
  });
}
