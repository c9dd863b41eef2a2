import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import {
  InvalidPolicyOptionError,
  NoClockError,
  NoConnectorError,
  NotPaused,
  SchedulerError,
  SchedulerStopped,
  TaskDone,
  TaskFailed,
  TaskFinished,
  TaskStopped,
  UnsupportedTransportMethodError,
} from "@torsion/protocols";

describe("policies errors", () => {
  const cases = [
    [NoConnectorError, "ERR_NO_CONNECTOR_TO_RETRY"],
    [NoClockError, "ERR_NO_CLOCK"],
    [InvalidPolicyOptionError, "ERR_INVALID_POLICY_OPTION"],
    [UnsupportedTransportMethodError, "ERR_UNSUPPORTED_TRANSPORT_METHOD"],
    [SchedulerError, "ERR_SCHEDULER"],
    [SchedulerStopped, "ERR_SCHEDULER_STOPPED"],
    [TaskFinished, "ERR_TASK_FINISHED"],
    [TaskDone, "ERR_TASK_DONE"],
    [TaskStopped, "ERR_TASK_STOPPED"],
    [TaskFailed, "ERR_TASK_FAILED"],
    [NotPaused, "ERR_TASK_NOT_PAUSED"],
  ] as const;

  for (const [ErrorClass, code] of cases) {
    it(`${ErrorClass.name} is a TorsionError named after its class with code ${code}`, () => {
      const error = new ErrorClass();
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.code, code);
    });
  }

  it("keeps the cooperative scheduler's hierarchy", () => {
    assert.ok(new SchedulerStopped() instanceof SchedulerError);
    assert.ok(new NotPaused() instanceof SchedulerError);
    for (const error of [new TaskDone(), new TaskStopped(), new TaskFailed()]) {
      assert.ok(error instanceof TaskFinished);
      assert.ok(error instanceof SchedulerError);
    }
  });

  it("carries a cause and has a default message where Twisted has one", () => {
    const cause = new Error("inner");
    assert.equal(new TaskFailed("failed", { cause }).cause, cause);
    assert.equal(new NoConnectorError().message, "no connector to retry");
    assert.ok(new SchedulerStopped().message.length > 0);
  });
});
