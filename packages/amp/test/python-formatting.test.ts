/**
 * Float and Decimal text must be exactly Python's: 5000 seeded random doubles (every bit
 * pattern class: subnormals, huge, tiny, integral) and 2000 random decimals are formatted
 * here and by /usr/bin/python3 (repr(float), str(Decimal)), and compared one by one.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { AmpDecimal } from "@torsion/amp";
import { pyFloatRepr } from "@torsion/amp/internal";
import { seeded } from "./interop-commands.js";
import { PYTHON, requireTwisted } from "./peer-support.js";

const SCRIPT = `
import sys, struct, decimal
out = []
for line in sys.stdin:
    kind, value = line.split()
    if kind == "f":
        out.append(repr(struct.unpack(">d", bytes.fromhex(value))[0]))
    else:
        sign, digits, exp = value.split(",")
        out.append(str(decimal.Decimal((int(sign), tuple(int(d) for d in digits), int(exp)))))
print("\\n".join(out))
`;

describe("number formatting agrees with Python", () => {
  it("pyFloatRepr and AmpDecimal.toString give Python's text for thousands of random values", (t) => {
    if (!requireTwisted(t)) return;
    const random = seeded(0xf10a7);
    const floats: number[] = [];
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 5000; i += 1) {
      if (i % 2 === 0) {
        view.setUint32(0, Math.floor(random() * 2 ** 32));
        view.setUint32(4, Math.floor(random() * 2 ** 32));
        floats.push(view.getFloat64(0));
      } else {
        floats.push(Math.round(random() * 10 ** Math.floor(random() * 20)) / 10 ** Math.floor(random() * 10));
      }
    }
    const decimals = Array.from({ length: 2000 }, () => {
      const digits = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 12))));
      return new AmpDecimal(random() < 0.5 ? 0 : 1, digits, Math.floor(random() * 40) - 25);
    });
    const input = [
      ...floats.map((x) => {
        view.setFloat64(0, x);
        return `f ${view.getUint32(0).toString(16).padStart(8, "0")}${view.getUint32(4).toString(16).padStart(8, "0")}`;
      }),
      ...decimals.map((d) => `d ${d.sign},${d.digits},${String(d.exponent)}`),
    ].join("\n");
    const result = spawnSync(PYTHON, ["-c", SCRIPT], { input: `${input}\n`, encoding: "utf8", maxBuffer: 1 << 24 });
    assert.equal(result.status, 0, result.stderr);
    const python = result.stdout.trim().split("\n");
    const ours = [...floats.map(pyFloatRepr), ...decimals.map((d) => d.toString())];
    assert.equal(python.length, ours.length);
    const mismatches = ours.map((text, i) => [text, python[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(mismatches.slice(0, 5), []);
    for (const text of python.slice(floats.length)) assert.equal(AmpDecimal.parse(text).toString(), text, "parse round-trips");
  });
});
