import type { LogEvent } from "./log-event.js";

/** Renders one field value for a message. */
function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  try {
    return String(value);
  } catch {
    return "<unprintable>";
  }
}

/**
 * The event's message: its format with each `{name}` replaced by `fields[name]`, `{{` and
 * `}}` by single braces. A placeholder without a field renders as `{name:MISSING}`, and an
 * unterminated `{` is kept as is, so formatting never throws (Twisted instead renders the
 * whole event as "Unable to format event").
 */
export function formatEvent(event: Pick<LogEvent, "format" | "fields">): string {
  const { format, fields } = event;
  let out = "";
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf("{", i);
    const close = format.indexOf("}}", i);
    if (open === -1 && close === -1) break;
    if (close !== -1 && (open === -1 || close < open)) {
      out += format.slice(i, close + 1);
      i = close + 2;
      continue;
    }
    out += format.slice(i, open);
    if (format[open + 1] === "{") {
      out += "{";
      i = open + 2;
      continue;
    }
    const end = format.indexOf("}", open + 1);
    if (end === -1) {
      out += format.slice(open);
      return out;
    }
    const name = format.slice(open + 1, end);
    out += Object.hasOwn(fields, name) ? renderValue(fields[name]) : `{${name}:MISSING}`;
    i = end + 1;
  }
  return out + format.slice(i);
}

/** ISO-8601 UTC with milliseconds, e.g. `2026-12-01T21:30:00.000Z`. */
export function formatTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? "-" : date.toISOString();
}

/**
 * One line of text for `event`, as the text observer writes it (Twisted's
 * `formatEventAsClassicLogText` shape): `TIME [namespace#level] message`, followed by the
 * failure's traceback on the next lines when there is one.
 */
export function formatEventAsText(event: LogEvent): string {
  let line = `${formatTime(event.time)} [${event.namespace}#${event.level}] ${formatEvent(event)}`;
  if (event.failure !== undefined) line += `\n\t${event.failure.getTraceback().replace(/\n/g, "\n\t")}`;
  return `${line}\n`;
}
