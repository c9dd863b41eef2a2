// snippet: deferreds/callbacks.ts
// A Deferred is a result that is not there yet. Callbacks transform it, errbacks handle
// failures, and each one's return value is what the next one gets.
import { Deferred, succeed } from "torsion";

const d = new Deferred<number>();
d.addCallback((n) => n * 2)
  .addCallback((n) => {
    if (n > 10) throw new RangeError(`${n} is too big`);
    return n;
  })
  .addErrback((failure) => {
    console.log(`errback: ${failure.getErrorMessage()}`);
    return -1; // handled: the chain goes on with -1
  })
  .addCallback((n) => console.log(`result: ${n}`));
d.callback(21); // runs the whole chain, synchronously

// A callback may return another Deferred: the chain waits for it.
const inner = new Deferred<string>();
succeed("outer")
  .addCallback((value) => inner.addCallback((text) => `${value} + ${text}`))
  .addCallback((joined) => console.log(`joined: ${joined}`));
console.log("inner not fired yet");
inner.callback("inner");
