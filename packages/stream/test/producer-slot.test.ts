import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type net from "node:net";
import { ProducerSlot } from "@torsion/stream";

/** A stand-in for the socket: a settable output length and write callbacks run on demand. */
class FakeSocket extends EventEmitter {
  writableLength = 0;
  readonly callbacks: (() => void)[] = [];
  write(_data: Uint8Array, callback?: () => void): boolean {
    if (callback !== undefined) this.callbacks.push(callback);
    return true;
  }
  flush(): void {
    this.writableLength = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function slot(open = () => true) {
  const errors: unknown[] = [];
  const s = new ProducerSlot({
    isOpen: open,
    guard: (_what, fn) => {
      try {
        fn();
      } catch (error) {
        errors.push(error);
      }
    },
  });
  return { s, errors };
}

describe("ProducerSlot", () => {
  it("pauses a streaming producer once when the buffer is full and resumes it on drain", () => {
    const { s } = slot();
    const socket = new FakeSocket();
    const calls: string[] = [];
    s.register(
      socket as unknown as net.Socket,
      { pauseProducing: () => calls.push("pause"), resumeProducing: () => calls.push("resume"), stopProducing: () => calls.push("stop") },
      true,
      100,
    );
    s.bufferFull();
    s.bufferFull();
    socket.emit("drain");
    socket.emit("drain");
    assert.deepEqual(calls, ["pause", "resume"]);
  });

  it("pauses at once a streaming producer registered over a full buffer", () => {
    const { s } = slot();
    const socket = new FakeSocket();
    socket.writableLength = 500;
    let paused = 0;
    s.register(
      socket as unknown as net.Socket,
      { pauseProducing: () => paused++, resumeProducing: () => {}, stopProducing: () => {} },
      true,
      100,
    );
    assert.equal(paused, 1);
  });

  it("asks a pull producer for more on the next turn and after each flush, until cleared", async () => {
    const { s } = slot();
    const socket = new FakeSocket();
    let resumed = 0;
    s.register(socket as unknown as net.Socket, { resumeProducing: () => resumed++, stopProducing: () => {} }, false, 100);
    assert.equal(resumed, 0, "not synchronously");
    await turn();
    assert.equal(resumed, 1);
    socket.flush();
    await turn();
    assert.equal(resumed, 2);
    assert.notEqual(s.clear(), null);
    socket.flush();
    await turn();
    assert.equal(resumed, 2);
    assert.equal(s.clear(), null);
  });

  it("does not call a pull producer after the connection closed", async () => {
    let open = true;
    const { s } = slot(() => open);
    const socket = new FakeSocket();
    let resumed = 0;
    s.register(socket as unknown as net.Socket, { resumeProducing: () => resumed++, stopProducing: () => {} }, false, 100);
    open = false;
    await turn();
    assert.equal(resumed, 0);
  });
});
