/** Whether `value` has a callable `then` (reading it may throw: callers catch). */
export function isThenableValue(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return typeof (value as { then?: unknown }).then === "function";
}
