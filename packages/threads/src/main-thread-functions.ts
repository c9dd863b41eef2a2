import createDebug from "debug";

const debug = createDebug("torsion:threads:functions");

/** A reactor-side function that worker code may call by name. */
export type MainThreadFunction = (...args: never[]) => unknown;

const functions = new Map<string, MainThreadFunction>();

/**
 * Registers `fn` under `name` so that code in a pool worker can run it on the main
 * thread with `callFromThread(name, ...args)` or `blockingCallFromThread(name, ...args)`
 * (closures cannot cross to a worker, names can). Arguments and results are structured
 * clones. Returns a function that unregisters it.
 *
 * @throws TypeError for a non-function or an empty name
 */
export function registerMainThreadFunction(name: string, fn: MainThreadFunction): () => void {
  if (typeof name !== "string" || name === "") throw new TypeError("a main-thread function needs a non-empty name");
  if (typeof fn !== "function") throw new TypeError(`${name}: not a function`);
  functions.set(name, fn);
  debug("registered %s", name);
  return () => {
    if (functions.get(name) === fn) functions.delete(name);
  };
}

/** The function registered as `name`, if any. */
export function mainThreadFunction(name: string): MainThreadFunction | undefined {
  return functions.get(name);
}
