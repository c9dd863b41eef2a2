/**
 * The reactor contract over MemoryReactorClock (the NodeReactor run is in
 * packages/reactor/test/reactor-contract.test.ts).
 */
import { setErrorReporter } from "@torsion/defer";
import { MemoryReactorClock } from "@torsion/testing";
import { describeReactor, type ReactorHarness } from "@torsion/testing/contracts";

function memoryHarness(): ReactorHarness {
  const reactor = new MemoryReactorClock();
  const reported: unknown[] = [];
  const previous = setErrorReporter((failure) => void reported.push(failure.value));
  return {
    reactor,
    unit: 1,
    reported,
    advance: async (seconds) => reactor.advance(seconds),
    close: async () => {
      setErrorReporter(previous);
      for (const call of reactor.getDelayedCalls()) call.cancel();
    },
  };
}

describeReactor("MemoryReactorClock", memoryHarness, {
  // MemoryReactor records the context factories without inspecting them.
  ssl: { serverContext: () => ({ role: "server" }), clientContext: () => ({ role: "client" }) },
  skip: {
    "an exception thrown by a call is reported, not propagated, and later calls still run":
      "MemoryReactorClock's Clock lets a call's exception reach the test that advanced it, on purpose (Twisted's task.Clock; see Clock)",
  },
});
