import { isRunMessage, type DefineMessage, type IPoolWorker, type ToWorkerMessage, type WorkerFactory } from "@torsion/threads";

type Listener = (value: never) => void;

interface RunMessageLike {
  readonly t: "run";
  readonly id: number;
  readonly task: number;
  readonly module?: string;
  readonly export?: string;
  readonly args: unknown[];
}

/**
 * A deterministic stand-in for a pool worker: it records the tasks it is sent, and the
 * test answers them (`reply`, `fail`) or kills the worker (`crash`, `exit`).
 */
export class FakeWorker implements IPoolWorker {
  readonly received: RunMessageLike[] = [];
  refs = 0;
  terminated = false;
  readonly #listeners = new Map<string, Listener[]>();
  readonly #definitions = new Map<number, DefineMessage>();

  /** Whether the pool asked this worker to close gracefully. */
  closeRequested = false;

  postMessage(message: ToWorkerMessage): void {
    if (this.terminated) throw new Error("posted to a terminated fake worker");
    if (isRunMessage(message)) {
      // The pool's compact envelope: [id, task, ...args], after a define message the first time.
      const [id, task, ...args] = message;
      const definition = this.#definitions.get(task);
      this.#definitions.delete(task);
      this.received.push(
        definition === undefined
          ? { t: "run", id, task, args }
          : { t: "run", id, task, args, module: definition.module, export: definition.export },
      );
      return;
    }
    if (message.t === "define") {
      this.#definitions.set(message.task, message);
      return;
    }
    this.closeRequested = true;
    void this.terminate();
  }

  on(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return this;
  }

  terminate(): Promise<number> {
    if (!this.terminated) {
      this.terminated = true;
      queueMicrotask(() => this.#emit("exit", 1));
    }
    return Promise.resolve(1);
  }

  ref(): void {
    this.refs = 1;
  }

  unref(): void {
    this.refs = 0;
  }

  /** The last task received. */
  get current(): RunMessageLike {
    const last = this.received[this.received.length - 1];
    if (last === undefined) throw new Error("the fake worker received no task");
    return last;
  }

  reply(value: unknown, id = this.current.id): void {
    this.#emit("message", [id, value]);
  }

  /** Sends a message as it is (e.g. a bare primitive result, as Torsion's own workers send). */
  send(message: unknown): void {
    this.#emit("message", message);
  }

  fail(error: { name: string; message: string; code?: unknown }, id = this.current.id): void {
    this.#emit("message", [id, { stack: undefined, props: {}, code: undefined, ...error }, 0]);
  }

  crash(error: Error): void {
    this.#emit("error", error);
    this.#emit("exit", 1);
  }

  exit(code: number): void {
    this.#emit("exit", code);
  }

  #emit(event: string, value: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (v: unknown) => void)(value);
  }
}

/** A worker factory that hands out {@link FakeWorker}s and keeps them in `workers`. */
export function fakeWorkerFactory(): { factory: WorkerFactory; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    factory: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
  };
}
