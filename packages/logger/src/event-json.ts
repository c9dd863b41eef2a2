import { Failure } from "@torsion/defer";
import { formatEvent } from "./format-event.js";
import type { LogEvent } from "./log-event.js";
import { isLogLevel } from "./log-level.js";

/** A JSON-safe copy of `value`: bigints as strings, bytes as base64, errors as objects, cycles cut. */
function toJSONSafe(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "undefined" || typeof value === "function" || typeof value === "symbol") return null;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (value instanceof Uint8Array) return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (value instanceof Error) return { name: value.name, message: value.message };
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toJSONSafe(item, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toJSONSafe(item, seen);
    return out;
  } catch {
    return "[Unserializable]";
  } finally {
    seen.delete(value);
  }
}

/**
 * The event as one line of JSON (no newline): `time`, `level`, `namespace`, `format`,
 * `fields` (made JSON-safe), `text` (the formatted message, for log tools) and, for an
 * error, `failure: {type, message, traceback}`.
 */
export function eventAsJSON(event: LogEvent): string {
  const record: Record<string, unknown> = {
    time: event.time,
    level: event.level,
    namespace: event.namespace,
    format: event.format,
    fields: toJSONSafe(event.fields, new Set()),
    text: formatEvent(event),
  };
  if (event.failure !== undefined) {
    record.failure = { type: event.failure.value.name, message: event.failure.getErrorMessage(), traceback: event.failure.getTraceback() };
  }
  return JSON.stringify(record);
}

/** A recorded failure read back from JSON: its original name, message and traceback. */
class RecordedError extends Error {
  constructor(name: string, message: string, traceback: string) {
    super(message);
    this.name = name;
    this.stack = traceback;
  }
}

/**
 * Reads back a line written by {@link eventAsJSON} (fields keep their JSON-safe form; a
 * failure comes back as an error with the recorded name, message and traceback).
 * @throws SyntaxError for text that is not such a line
 */
export function eventFromJSON(line: string): LogEvent {
  const record = JSON.parse(line) as Record<string, unknown>;
  const { time, level, namespace, format, fields, failure } = record;
  if (
    typeof time !== "number" ||
    !isLogLevel(level) ||
    typeof namespace !== "string" ||
    typeof format !== "string" ||
    typeof fields !== "object" ||
    fields === null
  ) {
    throw new SyntaxError("not a Torsion log event");
  }
  const event: LogEvent = { time, level, namespace, format, fields: fields as Record<string, unknown> };
  if (typeof failure !== "object" || failure === null) return event;
  const { type, message, traceback } = failure as Record<string, unknown>;
  return { ...event, failure: new Failure(new RecordedError(String(type), String(message), String(traceback))) };
}
