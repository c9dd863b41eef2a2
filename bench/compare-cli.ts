/**
 * `npm run bench:compare -- OLD NEW`: compares two saved runs (bench/results/*.jsonl or
 * *.json) without running anything; exit status 1 when a row got worse by the threshold
 * (COMPARE_THRESHOLD, 0.1 = 10 %), 2 for bad arguments or unreadable files.
 */
import { readFileSync } from "node:fs";
import { compareRuns, compareTable, parseResults } from "./lib/compare.js";

const [oldFile, newFile] = process.argv.slice(2);
if (oldFile === undefined || newFile === undefined) {
  process.stderr.write("usage: node bench/dist/compare-cli.js OLD.jsonl NEW.jsonl\n");
  process.exit(2);
}
try {
  const threshold = Number(process.env.COMPARE_THRESHOLD ?? "0.1");
  const changes = compareRuns(parseResults(readFileSync(oldFile, "utf8")), parseResults(readFileSync(newFile, "utf8")), threshold);
  process.stdout.write(`${oldFile} -> ${newFile}\n${compareTable(changes)}\n`);
  if (changes.some((c) => c.verdict === "worse")) process.exitCode = 1;
} catch (e) {
  process.stderr.write(`bench:compare: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
