/**
 * The comparison behind `npm run bench -- --compare FILE`, on small hand-written result
 * files: rows are paired by group and workload, changes are new/old, and a row counts as
 * worse when its ratio to raw Node moved the bad way for its unit by the threshold.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compareRuns, compareTable, fmtChange, parseResults } from "../bench/dist/lib/compare.js";
import { toJsonLines, toMarkdown } from "../bench/dist/lib/results-file.js";
import { makeResult, sideStats } from "../bench/dist/lib/result.js";

const row = (workload: string, unit: string, raw: number, torsion: number, group = "echo-tcp") =>
  makeResult(group, workload, unit, sideStats([raw], 0), sideStats([torsion], 0), { op: ">=", value: 1 });

const oldRun = [row("pp50x64", "msg/s", 100_000, 120_000), row("idle1000", "MiB peak", 50, 60, "idle-rss"), row("gone", "msg/s", 1, 1)];
const newRun = [row("pp50x64", "msg/s", 100_000, 100_000), row("idle1000", "MiB peak", 50, 50, "idle-rss"), row("fresh", "msg/s", 1, 2)];

describe("bench --compare", () => {
  it("reads back the rows of a JSON lines file written by a run, ignoring meta and round lines", () => {
    const text = toJsonLines({ date: "x" }, oldRun, { echo: [{ round: 0, side: "raw", value: 1 }] });
    const rows = parseResults(text);
    assert.deepEqual(
      rows.map((r) => [r.key, r.torsion, r.ratio]),
      [
        ["echo-tcp/pp50x64", 120_000, 1.2],
        ["idle-rss/idle1000", 60, 1.2],
        ["echo-tcp/gone", 1, 1],
      ],
    );
  });

  it("reads the older single JSON document format too", () => {
    const rows = parseResults(JSON.stringify({ meta: {}, results: oldRun, samples: {} }, null, 2));
    assert.equal(rows.length, 3);
    assert.equal(rows[0]?.raw, 100_000);
  });

  it("rejects a file that is neither JSON lines nor a results document", () => {
    assert.throws(() => parseResults("not json\n"), /line 1 is not JSON/);
    assert.throws(() => parseResults('{"meta": {}}'), /results array/);
  });

  it("reports a throughput drop as a worse ratio with its change as a number", () => {
    const [pp] = compareRuns(parseResults(toJsonLines({}, oldRun, {})), parseResults(toJsonLines({}, newRun, {})));
    assert.equal(pp?.key, "echo-tcp/pp50x64");
    assert.ok(Math.abs((pp?.ratioChange ?? 0) - 1 / 1.2) < 1e-9);
    assert.ok(Math.abs((pp?.torsionChange ?? 0) - 1 / 1.2) < 1e-9);
    assert.equal(pp?.verdict, "worse");
    assert.equal(fmtChange(pp?.ratioChange ?? null), "×0.83 (-16.7%)");
  });

  it("counts a memory drop as better, since lower is better for MiB", () => {
    const changes = compareRuns(parseResults(toJsonLines({}, oldRun, {})), parseResults(toJsonLines({}, newRun, {})));
    assert.equal(changes.find((c) => c.key === "idle-rss/idle1000")?.verdict, "better");
  });

  it("calls a move inside the threshold the same and lists unmatched rows as new and gone", () => {
    const a = parseResults(toJsonLines({}, [row("pp1x64", "msg/s", 100, 100), row("x", "msg/s", 1, 1)], {}));
    const b = parseResults(toJsonLines({}, [row("pp1x64", "msg/s", 100, 95), row("y", "msg/s", 1, 1)], {}));
    const changes = compareRuns(a, b, 0.1);
    assert.deepEqual(
      changes.map((c) => [c.key, c.verdict]),
      [
        ["echo-tcp/pp1x64", "same"],
        ["echo-tcp/y", "new"],
        ["echo-tcp/x", "gone"],
      ],
    );
    assert.match(compareTable(changes), /echo-tcp\/pp1x64 +msg\/s +100 -> 95\.0 +×0\.95 \(-5\.0%\)/);
  });

  it("writes a markdown table with one line per row", () => {
    const md = toMarkdown("t", oldRun);
    assert.match(md, /^\| workload \| unit \| raw \| torsion \| ratio \|/m);
    assert.match(md, /^\| pp50x64 \| msg\/s \| 100,000 \| 120,000 \| ×1\.20 \| >= 1 \| pass \|$/m);
  });
});
