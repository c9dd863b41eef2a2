/**
 * Loading the Twisted AMP oracle vectors (test/fixtures/twisted-oracle/amp-*.json; format in
 * the oracle's FORMAT-wave2.md) and small helpers shared by the replay tests.
 */
import { readFileSync } from "node:fs";

export type OracleEvent = [string, ...unknown[]];

export interface OracleVector {
  readonly id: string;
  readonly kind: "valid" | "error";
  readonly category: string;
  readonly config: Record<string, unknown>;
  readonly events: OracleEvent[];
  readonly [field: string]: unknown;
}

/** Loads one suite by name from the repository's fixture copy, checking the file holds that suite. */
export function loadSuite(suite: string): OracleVector[] {
  const url = new URL(`../../../test/fixtures/twisted-oracle/${suite}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, "utf8")) as { suite: string; vectors: OracleVector[] };
  if (parsed.suite !== suite) throw new Error(`fixture ${suite}.json holds suite ${parsed.suite}`);
  return parsed.vectors;
}

export const b64 = (data: Uint8Array): string => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
export const unb64 = (text: string): Buffer => Buffer.from(text, "base64");
