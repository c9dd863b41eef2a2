import path from "node:path";
import { after } from "node:test";
import type { UNIXAddress } from "@torsion/core";
import { connectUNIX, listenUNIX } from "@torsion/unix";
import { describeCallbackFailures } from "../../stream/dist-test/callback-failures.js";
import { tempDir } from "./unix-pair.js";

const temp = tempDir();
after(() => temp.remove());
let count = 0;

for (const fastPath of [true, false]) {
  describeCallbackFailures(`Unix (${fastPath ? "onread fast path" : "'data' events"})`, {
    listen: (host, factory) => listenUNIX(host, path.join(temp.dir, `s${count++}.sock`), factory, { fastPath }),
    connect: (host, port, factory) => connectUNIX(host, String((port.getHost() as UNIXAddress).name), factory, { fastPath }),
  });
}
