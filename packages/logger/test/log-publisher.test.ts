import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LogPublisher, globalLogPublisher, type LogEvent } from "@torsion/logger";

const event: LogEvent = { time: 0, level: "info", namespace: "t", format: "x", fields: {} };

describe("LogPublisher", () => {
  it("delivers each event to every observer in the order they were added", () => {
    const publisher = new LogPublisher();
    const seen: string[] = [];
    publisher.addObserver(() => seen.push("a"));
    publisher.addObserver(() => seen.push("b"));
    publisher.emit(event);
    assert.deepEqual(seen, ["a", "b"]);
  });

  it("adds an observer only once and removes it on request", () => {
    const publisher = new LogPublisher();
    let count = 0;
    const observer = (): void => {
      count++;
    };
    publisher.addObserver(observer);
    publisher.addObserver(observer);
    publisher.emit(event);
    publisher.removeObserver(observer);
    publisher.emit(event);
    assert.equal(count, 1);
    assert.equal(publisher.observerCount, 0);
  });

  it("removes an observer that throws and keeps serving the others", () => {
    const publisher = new LogPublisher();
    const seen: LogEvent[] = [];
    publisher.addObserver(() => {
      throw new Error("broken observer");
    });
    publisher.addObserver((e) => seen.push(e));
    publisher.emit(event);
    publisher.emit(event);
    assert.equal(seen.length, 2);
    assert.equal(publisher.observerCount, 1);
  });

  it("starts the global publisher with no observers, so libraries print nothing by themselves", () => {
    assert.equal(globalLogPublisher.observerCount, 0);
  });
});
