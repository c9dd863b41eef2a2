import { RedisArgumentError } from "./errors.js";

/** One argument of a command: text (sent as UTF-8), bytes, or a number (sent as its decimal text). */
export type RedisArgument = string | Buffer | Uint8Array | number | bigint;

/**
 * Encodes requests as RESP arrays of bulk strings (the only form a Redis client sends),
 * appending many commands into one batch: text goes into one string, byte arguments are
 * kept by reference (not copied), and {@link take} returns the buffers to write.
 */
export class CommandWriter {
  #text = "";
  #parts: Buffer[] = [];
  #count = 0;

  /** How many commands are waiting to be taken. */
  get pending(): number {
    return this.#count;
  }

  /**
   * Appends one command.
   * @throws RedisArgumentError for an empty command or an argument that is not a
   *   string, bytes, a finite number or a bigint (nothing is appended then).
   */
  append(args: readonly RedisArgument[]): void {
    if (args.length === 0) throw new RedisArgumentError("a command needs at least its name");
    let text = `*${args.length}\r\n`;
    let parts: Buffer[] | null = null;
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i];
      if (typeof arg === "string") {
        text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      } else if (typeof arg === "number") {
        if (!Number.isFinite(arg)) throw new RedisArgumentError(`argument ${i} is not a finite number: ${arg}`);
        const s = String(arg);
        text += `$${s.length}\r\n${s}\r\n`;
      } else if (typeof arg === "bigint") {
        const s = arg.toString();
        text += `$${s.length}\r\n${s}\r\n`;
      } else if (arg instanceof Uint8Array) {
        parts ??= [];
        text += `$${arg.length}\r\n`;
        parts.push(Buffer.from(text), Buffer.isBuffer(arg) ? arg : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength));
        text = "\r\n";
      } else {
        throw new RedisArgumentError(`argument ${i} has unsupported type ${arg === null ? "null" : typeof arg}`);
      }
    }
    this.#count += 1;
    if (parts === null) {
      this.#text += text;
      return;
    }
    this.#flushText();
    for (const part of parts) this.#parts.push(part);
    this.#text = text;
  }

  /** Removes and returns the encoded bytes of every appended command (empty when none). */
  take(): Buffer[] {
    this.#flushText();
    const parts = this.#parts;
    this.#parts = [];
    this.#count = 0;
    return parts;
  }

  #flushText(): void {
    if (this.#text.length > 0) {
      this.#parts.push(Buffer.from(this.#text, "utf8"));
      this.#text = "";
    }
  }
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RedisArgument[]): Buffer {
  const writer = new CommandWriter();
  writer.append(args);
  const parts = writer.take();
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}
