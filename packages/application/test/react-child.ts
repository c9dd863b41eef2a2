// Child process for react.test.ts: main never finishes; the test sends SIGTERM.
import { Deferred } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { react } from "@torsion/application";

const reactor = new NodeReactor({ shutdownGraceSeconds: 1 });
void react(reactor, (r) => {
  r.callWhenRunning(() => process.stdout.write("running\n"));
  return new Deferred<void>();
}).then((code) => process.stdout.write(`react resolved with ${String(code)}\n`));
