import { RedisArgumentError } from "./errors.js";

/** One argument of a command: text (sent as UTF-8), bytes, or a number (sent as its decimal text). */
export type RedisArgument = string | Buffer | Uint8Array | number | bigint;

/** Byte arguments at least this big are written by reference, not copied into the batch. */
const BY_REFERENCE = 16 * 1024;
/** A batch up to this size is copied out on {@link CommandWriter.take} and the buffer reused. */
const COPY_OUT = 16 * 1024;
const INITIAL_SIZE = 16 * 1024;
const EMPTY = Buffer.alloc(0);
/** Strings up to this length are tried as ASCII first (see `#ascii`). */
const ASCII_FAST = 64;
const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Encodes requests as RESP arrays of bulk strings (the only form a Redis client sends),
 * appending many commands into one growing buffer: no intermediate strings per command,
 * small byte arguments copied in, big ones (16 KiB and more) kept by reference, and
 * {@link take} returns the buffers to write.
 */
export class CommandWriter {
  #buf: Buffer = EMPTY;
  /** Bytes written to `#buf`. */
  #len = 0;
  /** Where the bytes not yet moved to `#parts` start (after a by-reference argument). */
  #start = 0;
  /** Finished pieces, in order, when a by-reference argument cut the batch. */
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
    validate(args);
    this.#encode(args);
  }

  /**
   * Appends several commands, all or none: every command is checked before any is written.
   * @throws RedisArgumentError as {@link CommandWriter.append} (naming the command's index); nothing is appended then.
   */
  appendAll(commands: readonly (readonly RedisArgument[])[]): void {
    for (let c = 0; c < commands.length; c += 1) {
      try {
        validate(commands[c] as readonly RedisArgument[]);
      } catch (error) {
        if (error instanceof RedisArgumentError) throw new RedisArgumentError(`command ${c}: ${error.message}`);
        throw error;
      }
    }
    for (const args of commands) this.#encode(args);
  }

  #encode(args: readonly RedisArgument[]): void {
    this.#header(STAR, args.length);
    for (const arg of args) {
      if (typeof arg === "string") this.#text(arg);
      else if (typeof arg === "number" || typeof arg === "bigint") this.#text(String(arg));
      else this.#bytes(arg as Uint8Array);
    }
    this.#count += 1;
  }

  /** Removes and returns the encoded bytes of every appended command (empty when none). */
  take(): Buffer[] {
    this.#count = 0;
    if (this.#parts.length === 0) {
      const len = this.#len;
      if (len === 0) return [];
      this.#len = 0;
      if (len <= COPY_OUT) {
        const out = Buffer.allocUnsafe(len);
        this.#buf.copy(out, 0, 0, len);
        return [out];
      }
      const out = this.#buf.subarray(0, len);
      this.#buf = EMPTY;
      return [out];
    }
    if (this.#len > this.#start) this.#parts.push(this.#buf.subarray(this.#start, this.#len));
    const parts = this.#parts;
    this.#parts = [];
    this.#buf = EMPTY;
    this.#len = 0;
    this.#start = 0;
    return parts;
  }

  /** Makes room for `n` more bytes; the bytes already handed to `#parts` stay where they are. */
  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const pending = this.#len - this.#start;
    const grown = Buffer.allocUnsafe(Math.max(INITIAL_SIZE, (pending + n) * 2));
    this.#buf.copy(grown, 0, this.#start, this.#len);
    this.#buf = grown;
    this.#start = 0;
    this.#len = pending;
  }

  /** `*<n>\r\n` or `$<n>\r\n`. */
  #header(prefix: number, n: number): void {
    this.#reserve(20);
    const buf = this.#buf;
    buf[this.#len] = prefix;
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits += 1;
    let at = this.#len + 1 + digits;
    buf[at] = CR;
    buf[at + 1] = LF;
    let v = n;
    do {
      at -= 1;
      buf[at] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    this.#len += digits + 3;
  }

  #text(arg: string): void {
    if (arg.length <= ASCII_FAST && this.#ascii(arg)) return;
    const size = Buffer.byteLength(arg, "utf8");
    this.#header(DOLLAR, size);
    this.#reserve(size + 2);
    if (size > 0) this.#buf.write(arg, this.#len, "utf8");
    this.#len += size;
    this.#crlf();
  }

  /**
   * A short string written byte by byte when it is all ASCII (its UTF-8 length is then its
   * length, so the header comes first): cheaper than `byteLength` plus a native `write`
   * for the keys and command names of a pipeline. False (nothing written) otherwise.
   */
  #ascii(arg: string): boolean {
    const n = arg.length;
    for (let i = 0; i < n; i += 1) if (arg.charCodeAt(i) >= 0x80) return false;
    this.#header(DOLLAR, n);
    this.#reserve(n + 2);
    const buf = this.#buf;
    let at = this.#len;
    for (let i = 0; i < n; i += 1) buf[at++] = arg.charCodeAt(i);
    buf[at] = CR;
    buf[at + 1] = LF;
    this.#len = at + 2;
    return true;
  }

  #bytes(arg: Uint8Array): void {
    this.#header(DOLLAR, arg.length);
    if (arg.length >= BY_REFERENCE) {
      this.#parts.push(this.#buf.subarray(this.#start, this.#len));
      this.#parts.push(Buffer.isBuffer(arg) ? arg : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength));
      this.#start = this.#len;
    } else {
      this.#reserve(arg.length + 2);
      this.#buf.set(arg, this.#len);
      this.#len += arg.length;
    }
    this.#crlf();
  }

  #crlf(): void {
    this.#reserve(2);
    this.#buf[this.#len] = CR;
    this.#buf[this.#len + 1] = LF;
    this.#len += 2;
  }
}

function validate(args: readonly RedisArgument[]): void {
  if (args.length === 0) throw new RedisArgumentError("a command needs at least its name");
  for (let i = 0; i < args.length; i += 1) check(args[i], i);
}

function check(arg: unknown, i: number): void {
  if (typeof arg === "string" || typeof arg === "bigint" || arg instanceof Uint8Array) return;
  if (typeof arg === "number") {
    if (!Number.isFinite(arg)) throw new RedisArgumentError(`argument ${i} is not a finite number: ${arg}`);
    return;
  }
  throw new RedisArgumentError(`argument ${i} has unsupported type ${describeType(arg)}`);
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RedisArgument[]): Buffer {
  const writer = new CommandWriter();
  writer.append(args);
  const parts = writer.take();
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

function describeType(value: unknown): string {
  return value === null ? "null" : typeof value;
}
