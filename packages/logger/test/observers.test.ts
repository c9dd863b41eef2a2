import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BufferingObserver,
  FileLogOutput,
  eventFromJSON,
  filteringObserver,
  jsonFileObserver,
  textFileObserver,
  type LogEvent,
  type LogLevel,
} from "@torsion/logger";

function event(level: LogLevel, namespace = "app", format = "m"): LogEvent {
  return { time: 0, level, namespace, format, fields: {} };
}

class Sink {
  text = "";
  write(chunk: string): void {
    this.text += chunk;
  }
}

describe("textFileObserver and jsonFileObserver", () => {
  it("write one text line per event", () => {
    const sink = new Sink();
    textFileObserver(sink)(event("warn", "app.x", "low disk"));
    assert.equal(sink.text, "1970-01-01T00:00:00.000Z [app.x#warn] low disk\n");
  });

  it("write one JSON line per event that reads back as the same event", () => {
    const sink = new Sink();
    const observer = jsonFileObserver(sink);
    observer(event("info"));
    observer(event("error"));
    const lines = sink.text.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.equal(eventFromJSON(lines[1]!).level, "error");
  });
});

describe("FileLogOutput", () => {
  it("appends to a file synchronously and ignores writes after close", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torsion-log-"));
    const file = path.join(dir, "app.log");
    try {
      fs.writeFileSync(file, "old\n");
      const output = new FileLogOutput(file);
      jsonFileObserver(output)(event("info"));
      assert.equal(fs.readFileSync(file, "utf8").split("\n").length, 3);
      output.close();
      output.write("late\n");
      output.close();
      assert.ok(!fs.readFileSync(file, "utf8").includes("late"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes to a descriptor it was given and leaves it open", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torsion-log-"));
    const fd = fs.openSync(path.join(dir, "fd.log"), "w");
    try {
      const output = new FileLogOutput(fd);
      output.write("one\n");
      output.close();
      fs.writeSync(fd, "two\n");
      assert.equal(fs.readFileSync(path.join(dir, "fd.log"), "utf8"), "one\ntwo\n");
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("filteringObserver", () => {
  it("passes events at or above the level, info by default", () => {
    const buffer = new BufferingObserver();
    const observer = filteringObserver(buffer.observer, {});
    for (const level of ["debug", "info", "warn"] as const) observer(event(level));
    assert.deepEqual(
      buffer.events.map((e) => e.level),
      ["info", "warn"],
    );
  });

  it("lets the longest matching namespace prefix decide", () => {
    const buffer = new BufferingObserver();
    const observer = filteringObserver(buffer.observer, { level: "error", namespaces: { torsion: "warn", "torsion.tcp": "debug" } });
    observer(event("debug", "torsion.tcp"));
    observer(event("debug", "torsion.tcp.port"));
    observer(event("info", "torsion.udp"));
    observer(event("warn", "torsion.udp"));
    observer(event("warn", "torsionx"));
    observer(event("debug", "torsion:tcp:transport"));
    // torsion:tcp:transport is a child of "torsion" (debug namespaces use ':'), so warn applies.
    assert.deepEqual(
      buffer.events.map((e) => `${e.namespace}#${e.level}`),
      ["torsion.tcp#debug", "torsion.tcp.port#debug", "torsion.udp#warn"],
    );
  });
});

describe("BufferingObserver", () => {
  it("keeps only the last size events and replays them in order", () => {
    const buffer = new BufferingObserver(3);
    for (let i = 0; i < 10; i++) buffer.observer(event("info", "n", String(i)));
    assert.deepEqual(
      buffer.events.map((e) => e.format),
      ["7", "8", "9"],
    );
    const replayed: string[] = [];
    buffer.replayTo((e) => replayed.push(e.format));
    assert.deepEqual(replayed, ["7", "8", "9"]);
    buffer.clear();
    assert.equal(buffer.events.length, 0);
  });

  it("rejects a size that is not a positive integer", () => {
    assert.throws(() => new BufferingObserver(0), RangeError);
  });
});
