import { TaskNotFound } from "./errors.js";
import { registeredTask } from "./task.js";

const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Finds a task's function in this thread: imports `module` (once) and takes the function
 * registered there with `defineTask(…, name, …)`, an exported function named `name`, or
 * the function of an exported `defineTask` handle named `name`.
 *
 * @throws TaskNotFound when there is none
 */
export async function resolveTask(module: string, name: string): Promise<(...args: unknown[]) => unknown> {
  let loading = modules.get(module);
  if (loading === undefined) {
    loading = import(module) as Promise<Record<string, unknown>>;
    modules.set(module, loading);
  }
  const namespace = await loading;
  const registered = registeredTask(module, name);
  if (registered !== undefined) return registered as (...args: unknown[]) => unknown;
  const exported = namespace[name];
  if (typeof exported === "function") return exported as (...args: unknown[]) => unknown;
  if (typeof exported === "object" && exported !== null) {
    const handle = exported as { module?: unknown; export?: unknown };
    if (typeof handle.module === "string" && typeof handle.export === "string") {
      const fn = registeredTask(handle.module, handle.export);
      if (fn !== undefined) return fn as (...args: unknown[]) => unknown;
    }
  }
  throw new TaskNotFound(`module ${module} has no task or exported function named ${JSON.stringify(name)}`);
}

const closeHooks: (() => unknown)[] = [];

/**
 * Registers `fn` to run in this worker when the pool retires it gracefully (idle timeout,
 * `stop()`): close database connections, flush files. Not run when a worker is
 * terminated (a task still running after the grace of `stop()`, cancel with
 * `"terminate"`).
 */
export function onWorkerClose(fn: () => unknown): void {
  closeHooks.push(fn);
}

/** Runs the close hooks, newest first; their errors are ignored. */
export async function runCloseHooks(): Promise<void> {
  for (const hook of closeHooks.splice(0).reverse()) {
    try {
      await hook();
    } catch {
      // A failing hook must not keep the worker alive.
    }
  }
}
