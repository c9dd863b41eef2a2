import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidLogLevelError, LOG_LEVELS, compareLogLevels, isLogLevel, parseLogLevel } from "@torsion/logger";

describe("log levels", () => {
  it("orders the levels from debug up to critical", () => {
    assert.deepEqual(LOG_LEVELS, ["debug", "info", "warn", "error", "critical"]);
    for (let i = 1; i < LOG_LEVELS.length; i++) assert.ok(compareLogLevels(LOG_LEVELS[i - 1]!, LOG_LEVELS[i]!) < 0);
    assert.equal(compareLogLevels("warn", "warn"), 0);
  });

  it("parses names case-insensitively and accepts warning for warn", () => {
    assert.equal(parseLogLevel("INFO"), "info");
    assert.equal(parseLogLevel("Warning"), "warn");
    assert.equal(parseLogLevel("critical"), "critical");
  });

  it("rejects unknown names with a typed error naming the choices", () => {
    assert.throws(
      () => parseLogLevel("verbose"),
      (error: unknown) =>
        error instanceof InvalidLogLevelError && error.code === "ERR_INVALID_LOG_LEVEL" && error.message.includes("debug, info"),
    );
    assert.equal(isLogLevel("toString"), false);
    assert.equal(isLogLevel(3), false);
  });
});
