import type { MessagePort } from "node:worker_threads";

type ElementOf<X> = X extends readonly (infer T)[] ? T : never;
/**
 * What can be moved to a worker without copying (an `ArrayBuffer`, a `MessagePort`, ...),
 * derived from `MessagePort.postMessage`'s signature so the type fits every `@types/node`
 * version a consumer has (Node's own name for it changed between versions).
 */
export type TransferListItem = ElementOf<NonNullable<Parameters<MessagePort["postMessage"]>[1]>>;
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Importable code a worker runs: the module (a `file:` URL, an absolute path, or a
 * package specifier) and the name of a function exported by it or registered in it with
 * {@link defineTask}. Closures cannot cross to a worker; this names the code instead.
 */
export interface TaskRef {
  readonly module: string | URL;
  readonly export: string;
}

/** A task made by {@link defineTask}: a {@link TaskRef} that carries its types. */
export interface TaskHandle<A extends unknown[], R> extends TaskRef {
  readonly module: string;
  /** Phantom: the argument types. */
  readonly __args?: A;
  /** Phantom: the result type (a returned promise is awaited in the worker). */
  readonly __result?: R;
}

/** Arguments and result of a task reference. */
export type TaskArgs<T> = T extends TaskHandle<infer A, unknown> ? A : unknown[];
export type TaskResult<T> = T extends TaskHandle<unknown[], infer R> ? Awaited<R> : unknown;

const registry = new Map<string, (...args: never[]) => unknown>();

/** The canonical string form of a task's module (what workers import). */
export function moduleKey(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  return module;
}

/**
 * Defines a task in the module at `moduleUrl` (pass `import.meta.url`) under `name`, and
 * returns a typed handle for `deferToThread`. Export the handle (or just call
 * `defineTask` at the module's top level): the worker imports `moduleUrl`, which runs
 * `defineTask` again there and registers `fn`.
 *
 * @example
 * ```ts
 * // hash-task.ts
 * export const sha256 = defineTask(import.meta.url, "sha256", (data: Uint8Array) =>
 *   createHash("sha256").update(data).digest("hex"));
 * // elsewhere
 * const hex: string = await deferToThreadPool(pool, sha256, bytes);
 * ```
 */
export function defineTask<A extends unknown[], R>(
  moduleUrl: string | URL,
  name: string,
  fn: (...args: A) => R,
): TaskHandle<A, Untransfer<Awaited<R>>> {
  if (typeof name !== "string" || name === "") throw new TypeError("a task needs a non-empty name");
  if (typeof fn !== "function") throw new TypeError("a task needs a function");
  const module = moduleKey(moduleUrl);
  registry.set(`${module}#${name}`, fn);
  return Object.freeze({ module, export: name });
}

/** The function registered with `defineTask` for `module`/`name`, if any. */
export function registeredTask(module: string, name: string): ((...args: never[]) => unknown) | undefined {
  return registry.get(`${module}#${name}`);
}

const TRANSFER = Symbol.for("torsion.threads.transfer");

/** A value plus the transferables to move with it (see {@link transfer}). */
export interface Transfer<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
}

/**
 * Marks `value` to be sent with `list` moved rather than copied (zero-copy); the sender
 * can no longer use what it transferred. Use it for an argument of `deferToThread` or
 * as a task's return value.
 */
export function transfer<T>(value: T, list: readonly TransferListItem[]): Transfer<T> {
  return { [TRANSFER]: true, value, list };
}

/** Unwraps {@link transfer} markers: the plain value and the transfer list. */
export function unwrapTransfer(value: unknown): { value: unknown; list: TransferListItem[] } {
  if (isTransfer(value)) return { value: value.value, list: [...value.list] };
  return { value, list: [] };
}

function isTransfer(value: unknown): value is Transfer<unknown> {
  return typeof value === "object" && value !== null && (value as Partial<Transfer<unknown>>)[TRANSFER] === true;
}

const NOTHING: TransferListItem[] = [];

/**
 * Unwraps every argument; returns the plain arguments and the combined transfer list.
 * Without any {@link transfer} marker (the common case) the list is a shared empty array:
 * do not push to it.
 */
export function unwrapArgs(args: readonly unknown[]): { args: unknown[]; list: TransferListItem[] } {
  if (!args.some(isTransfer)) return { args: args.slice(), list: NOTHING };
  const list: TransferListItem[] = [];
  const plain = args.map((arg) => {
    const unwrapped = unwrapTransfer(arg);
    list.push(...unwrapped.list);
    return unwrapped.value;
  });
  return { args: plain, list };
}

/** A task's argument list as accepted by `run`/`deferToThreadPool`: each may be wrapped in {@link transfer}. */
export type TaskArgsOf<A extends unknown[]> = { [K in keyof A]: A[K] | Transfer<A[K]> };

/** A task result with its {@link transfer} marker removed (what the caller receives). */
export type Untransfer<R> = R extends Transfer<infer V> ? V : R;
