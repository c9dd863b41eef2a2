// Compile-time checks of the public types (this file fails to build if they regress), plus
// the runtime shapes they describe.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AddCallbacksOptions,
  type CallbackReturn,
  type Canceller,
  Deferred,
  DeferredList,
  type DeferredState,
  Failure,
} from "@torsion/defer";

// The generic-function trick compares types exactly; X is used once on purpose.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the asserted type
function expectType<T>(_value: T): void {}

describe("Deferred public types", () => {
  it("infer the next result type through values, Deferreds, promises and Failures", () => {
    const d = new Deferred<number>();
    const viaValue = d.addCallback((n) => String(n));
    const _viaDeferred = new Deferred<number>().addCallback(() => new Deferred<boolean>());
    const _viaPromise = new Deferred<number>().addCallback(() => Promise.resolve([1, 2]));
    const _viaFailure = new Deferred<number>().addCallback((n) => (n > 0 ? n : new Failure(new Error("neg"))));
    const _recovered = new Deferred<number>().addErrback(() => "fallback");
    const typed: [
      Equal<typeof viaValue, Deferred<string>>,
      Equal<typeof _viaDeferred, Deferred<boolean>>,
      Equal<typeof _viaPromise, Deferred<number[]>>,
      Equal<typeof _viaFailure, Deferred<number>>,
      Equal<typeof _recovered, Deferred<number | string>>,
    ] = [true, true, true, true, true];
    assert.deepEqual(typed, [true, true, true, true, true]);
    d.callback(5);
    assert.deepEqual(viaValue.peek(), { state: "succeeded", result: "5" });
  });

  it("type DeferredList results by fireOnOneCallback", () => {
    type Entries = ([true, number] | [false, Failure])[];
    const all = new DeferredList([new Deferred<number>()], { consumeErrors: true });
    const one = new DeferredList([new Deferred<number>()], { fireOnOneCallback: true, consumeErrors: true });
    const typed: [
      Equal<Parameters<Parameters<typeof all.addCallback>[0]>[0], Entries>,
      Equal<Parameters<Parameters<typeof one.addCallback>[0]>[0], [number, number] | Entries>,
    ] = [true, true];
    assert.deepEqual(typed, [true, true]);
    all.cancel();
    one.cancel();
    assert.equal(all.peek().state, "succeeded");
  });

  it("describe the three peek states, a canceller, options and callback returns", () => {
    const states: DeferredState<number>[] = [new Deferred<number>().peek()];
    const canceller: Canceller<number> = (self) => self.callback(1);
    const fired = new Deferred<number>(canceller);
    fired.cancel();
    states.push(fired.peek());
    const options: AddCallbacksOptions<[number], []> = { callbackArgs: [2] };
    const returned: CallbackReturn<number>[] = [1, new Failure(new Error("f")), new Deferred<number>(), Promise.resolve(2)];
    expectType<AddCallbacksOptions<[number], []>>(options);
    assert.equal(returned.length, 4);
    assert.deepEqual(states, [{ state: "pending" }, { state: "succeeded", result: 1 }]);
  });
});
