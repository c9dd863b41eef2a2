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

  it("deliver boxes through the one FramingDriver of @torsion/protocols, with no delivery loop of their own", () => {
    const source = readFileSync(fileURLToPath(new URL("../src/binary-box-protocol.ts", import.meta.url)), "utf8");
    assert.match(source, /import \{ FramingDriver \} from "@torsion\/protocols";/);
    assert.match(source, /new FramingDriver<AmpBox, DriverOwner>\(BinaryBoxProtocol\.#ownerOf\(this\), this\.#decoder,/);
    assert.doesNotMatch(source, /\.next\(\)/, "no private loop calling the decoder's next()");
    assert.doesNotMatch(source, /TODO\(framing-driver\)/);
  });
});
