/**
 * A smoke run of every benchmark in bench/suite.ts (what `npm run bench` runs), in smoke
 * mode (BENCH_SMOKE=1: one round, a fraction of a second per load run, small counts), so
 * the benchmarks cannot rot. It asserts only that each produces figures (finite, > 0) and
 * that no run failed; it never judges speed. Benchmarks needing a real peer (memcached,
 * redis-server) fail under CI=true when the binary is missing and are skipped otherwise.
 * Benchmarks driven by the shared C load generator (outside the repository) are skipped
 * with a reason when it is absent.
 * AMQP runs only its in-process frame decoder here: a RabbitMQ node takes up to 30 s to start.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.BENCH_SMOKE = "1";
delete process.env.WORKLOADS;
delete process.env.ROUNDS;
delete process.env.DUR;
delete process.env.WARM;

const { BENCHES } = await import("../bench/dist/suite.js");
const { loadConfig } = await import("../bench/dist/lib/config.js");
const { killAllServers } = await import("../bench/dist/lib/proc.js");

const PEER_BINARIES: Readonly<Record<string, string>> = { memcached: "/usr/bin/memcached", "redis-server": "/usr/bin/redis-server" };
let tmpDir = "";
const log: string[] = [];

before(() => {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), "torsion-bench-smoke-"));
});
after(() => {
  killAllServers();
  rmSync(tmpDir, { recursive: true, force: true });
});

const positive = (v: number | null | undefined): boolean => typeof v === "number" && Number.isFinite(v) && v > 0;

describe("bench smoke runs", () => {
  for (const bench of BENCHES) {
    it(`the ${bench.name} benchmark produces a figure for each of its rows`, async (t) => {
      const binary = bench.peer === undefined ? undefined : PEER_BINARIES[bench.peer];
      if (binary !== undefined && !existsSync(binary)) {
        assert.notEqual(process.env.CI, "true", `${binary} is required under CI (scripts/install-test-deps.sh)`);
        t.skip(`${binary} is not installed`);
        return;
      }
      const config = loadConfig();
      const ctx = { config, tmpDir, log: (m: string) => log.push(m), fail: (m: string) => log.push(`FAIL ${m}`) };
      const { results } = await bench.run(ctx);
      const ran = results.filter((r) => r.status !== "skip");
      // The TCP/Unix echo rows drive the team's C load generator, which lives outside the
      // repository (SHARED_BENCH, default ../shared/bench); a clone without it cannot run them.
      if (ran.length === 0 && results.every((r) => (r.note ?? "").includes("loadgen.c is absent"))) {
        t.skip(`${bench.name}: the shared yardstick's loadgen.c is absent (set SHARED_BENCH)`);
        return;
      }
      assert.ok(ran.length > 0, `${bench.name}: every row was skipped: ${results.map((r) => r.note ?? "").join("; ")}`);
      for (const r of ran) {
        assert.notEqual(
          r.status,
          "FAIL",
          `${bench.name}/${r.workload} failed: ${[...(r.raw.errors ?? []), ...(r.torsion.errors ?? [])].join(" | ")}`,
        );
        assert.ok(positive(r.torsion.median) || positive(r.raw.median), `${bench.name}/${r.workload}: no figure (${JSON.stringify(r)})`);
      }
    });
  }
});
