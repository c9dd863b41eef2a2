/** The reactor contract over NodeReactor (the MemoryReactorClock run is in packages/testing/test). */
import { NodeReactor } from "@torsion/reactor";
import { describeReactor, type ReactorHarness } from "@torsion/testing/contracts";

function nodeHarness(): ReactorHarness {
  const reported: unknown[] = [];
  const reactor = new NodeReactor({
    installSignalHandlers: false,
    shutdownGraceSeconds: 0,
    errorReporter: (failure) => void reported.push(failure.value),
  });
  return {
    reactor,
    unit: 0.005,
    reported,
    advance: (seconds) => new Promise<void>((resolve) => void reactor.callLater(seconds, resolve)),
    close: async () => {
      try {
        reactor.crash();
      } catch {
        // not running
      }
      for (const call of reactor.getDelayedCalls()) call.cancel();
    },
  };
}

describeReactor("NodeReactor", nodeHarness);
