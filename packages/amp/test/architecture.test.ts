import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

describe("@torsion/amp's sources", () => {
  it("import no Node network module, so AMP runs over any transport", () => {
    const dir = fileURLToPath(new URL("../src/", import.meta.url));
    const files = readdirSync(dir).filter((name) => name.endsWith(".ts"));
    assert.ok(files.length > 5);
    const offenders = files.filter((name) => /from\s+["'](node:)?(net|dgram|tls|http|https)["']/.test(readFileSync(dir + name, "utf8")));
    assert.deepEqual(offenders, []);
  });
});
