import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ProcessSpawnError, type ChildFDs, type IProcessTransport, type ProcessTerminated } from "@torsion/core";
import { Recorder, contractViolation, testReactor } from "./helpers.js";

const SCRIPT = fileURLToPath(new URL("../test/fixtures/twisted-scenarios.py", import.meta.url));

interface Outcome {
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: number | null;
  readonly status: number | null;
  readonly out: string;
  readonly err: string;
  readonly extra: Record<string, string>;
  readonly lost: number[];
  readonly first: string;
  readonly last: string;
}

/** The same scenarios as the Python script, for Torsion. */
const SCENARIOS: Record<string, { argv: string[]; childFDs?: ChildFDs; onMade?: (t: IProcessTransport) => void }> = {
  exit0: { argv: ["sh", "-c", "echo out; echo err >&2"] },
  exit3: { argv: ["sh", "-c", "exit 3"] },
  sigterm: { argv: ["sh", "-c", "kill -TERM $$"] },
  sigkill: { argv: ["sleep", "30"], onMade: (t) => t.signalProcess("KILL") },
  cat: {
    argv: ["cat"],
    onMade: (t) => {
      t.write(Buffer.from("through cat"));
      t.closeStdin();
    },
  },
  extrafds: {
    argv: ["sh", "-c", 'echo three >&3; read line <&4; echo "got $line"'],
    childFDs: { 0: "w", 1: "r", 2: "r", 3: "r", 4: "w" },
    onMade: (t) => {
      t.writeToChild(4, Buffer.from("four\n"));
      t.closeChildFD(4);
    },
  },
  noexec: { argv: ["/no/such/program"] },
};

function twisted(): Record<string, Outcome> | string {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import twisted"], { encoding: "utf8" });
  if (probe.status !== 0) return "python3-twisted is not installed (scripts/install-test-deps.sh)";
  const run = spawnSync("/usr/bin/python3", [SCRIPT], { encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`the Twisted scenarios failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, Outcome>;
}

async function torsion(name: string): Promise<{ outcome: Outcome; recorder: Recorder }> {
  const { reactor } = testReactor();
  const scenario = SCENARIOS[name]!;
  const recorder = new Recorder();
  if (scenario.onMade !== undefined) {
    const onMade = scenario.onMade;
    recorder.connectionMade = function (this: Recorder) {
      Recorder.prototype.connectionMade.call(this);
      onMade(this.transport!);
    };
  }
  reactor.spawnProcess(recorder, scenario.argv[0]!, scenario.argv, scenario.childFDs === undefined ? {} : { childFDs: scenario.childFDs });
  const reason = (await recorder.ended).value as ProcessTerminated;
  const fds = Object.keys(scenario.childFDs ?? { 0: "w", 1: "r", 2: "r" }).map(Number);
  const extra: Record<string, string> = {};
  for (const fd of fds.filter((fd) => fd > 2)) if (recorder.output(fd) !== "") extra[String(fd)] = recorder.output(fd);
  const shape = recorder.shape();
  return {
    recorder,
    outcome: {
      reason: reason.name,
      exitCode: reason.exitCode,
      signal: reason.signal,
      status: reason.status,
      out: recorder.output(1),
      err: recorder.output(2),
      extra,
      lost: recorder.events.flatMap((e) => (e.kind === "lost" ? [e.fd] : [])).sort((a, b) => a - b),
      first: shape[0]!,
      last: shape[shape.length - 1]!,
    },
  };
}

const expected = (() => {
  try {
    return twisted();
  } catch (error) {
    return error as Error;
  }
})();
const skip = typeof expected === "string" && process.env.CI !== "true" ? expected : false;

describe("spawnProcess compared with Twisted 22.4 on the same children", { skip }, () => {
  for (const name of Object.keys(SCENARIOS).filter((n) => n !== "noexec")) {
    it(`gives the same reason, status, output and lost fds as Twisted (${name})`, { timeout: 20_000 }, async () => {
      if (expected instanceof Error || typeof expected === "string") throw expected instanceof Error ? expected : new Error(expected);
      const { outcome, recorder } = await torsion(name);
      assert.deepEqual(outcome, expected[name]);
      assert.equal(contractViolation(recorder.events, outcome.lost), null);
    });
  }

  it(
    "reports a failed exec as ProcessSpawnError where Twisted shows exit code 1 and a traceback (documented deviation)",
    { timeout: 20_000 },
    async () => {
      if (expected instanceof Error || typeof expected === "string") throw expected instanceof Error ? expected : new Error(expected);
      const twistedOutcome = expected.noexec!;
      assert.deepEqual([twistedOutcome.reason, twistedOutcome.exitCode], ["ProcessTerminated", 1]);
      assert.match(twistedOutcome.err, /No such file|Upon exec/i);
      const { outcome, recorder } = await torsion("noexec");
      assert.deepEqual(
        [outcome.reason, outcome.exitCode, outcome.signal, outcome.lost, outcome.first, outcome.last],
        [ProcessSpawnError.name, null, null, twistedOutcome.lost, "made", "ended"],
      );
      assert.equal(contractViolation(recorder.events, outcome.lost), null);
    },
  );
});
