/**
 * The byte reader and writer the generated method and property codecs use: AMQP's
 * argument types (`octet`, `short`, `long`, `longlong`, `shortstr`, `longstr`,
 * `timestamp`, `table`), big-endian.
 */
import { AmqpSyntaxError, ShortStringTooLong } from "../errors.js";
import { decodeFieldTable, encodeFieldTable, type FieldTable } from "../field-table.js";

/** Reads AMQP argument types from one frame payload; reading past its end throws {@link AmqpSyntaxError}. */
export class Reader {
  /** The payload. */
  readonly buf: Buffer;
  /** The read offset. */
  pos: number;
  readonly #end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.#end = end;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.#end - this.pos;
  }

  #need(n: number): number {
    const at = this.pos;
    if (at + n > this.#end) throw new AmqpSyntaxError(`truncated payload: needed ${n} bytes at offset ${at}, ${this.#end - at} left`);
    this.pos = at + n;
    return at;
  }

  octet(): number {
    return this.buf[this.#need(1)] as number;
  }
  short(): number {
    return this.buf.readUInt16BE(this.#need(2));
  }
  long(): number {
    return this.buf.readUInt32BE(this.#need(4));
  }
  longlong(): bigint {
    return this.buf.readBigUInt64BE(this.#need(8));
  }
  /** A 64-bit unsigned value known to fit in a double (body sizes). */
  longlongNumber(): number {
    const at = this.#need(8);
    return this.buf.readUInt32BE(at) * 0x1_0000_0000 + this.buf.readUInt32BE(at + 4);
  }
  int8(): number {
    return this.buf.readInt8(this.#need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.#need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.#need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.#need(8));
  }
  float(): number {
    return this.buf.readFloatBE(this.#need(4));
  }
  double(): number {
    return this.buf.readDoubleBE(this.#need(8));
  }
  shortstr(): string {
    const n = this.octet();
    const at = this.#need(n);
    return this.buf.toString("utf8", at, at + n);
  }
  longstr(): string {
    const n = this.long();
    const at = this.#need(n);
    return this.buf.toString("utf8", at, at + n);
  }
  /** A longstr as bytes (a view of the payload). */
  longstrBytes(): Buffer {
    const n = this.long();
    const at = this.#need(n);
    return this.buf.subarray(at, at + n);
  }
  bytes(n: number): Buffer {
    const at = this.#need(n);
    return this.buf.subarray(at, at + n);
  }
  /** Seconds since the epoch (uint64), as a Date. */
  timestamp(): Date {
    return new Date(this.longlongNumber() * 1000);
  }
  table(): FieldTable {
    return decodeFieldTable(this);
  }
}

const INITIAL = 4096;

/**
 * Writes AMQP argument types into a growing buffer. One writer is reused for every frame a
 * connection sends: {@link take} copies out what was written and starts again.
 */
export class Writer {
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  pos = 0;

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A copy of what was written; the writer is then empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    if (this.buf.length > 1 << 20) this.buf = Buffer.allocUnsafe(INITIAL);
    return out;
  }

  octet(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  short(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v & 0xffff, this.pos);
  }
  long(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos);
  }
  longlong(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.pos);
  }
  /** A non-negative integer below 2^53 as a uint64. */
  longlongNumber(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeUInt32BE(Math.floor(v / 0x1_0000_0000), this.pos);
    this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos);
  }
  /** @throws ShortStringTooLong over 255 bytes of UTF-8 (nothing is written). */
  shortstr(v: string): void {
    // At most 3 bytes of UTF-8 per UTF-16 unit: a string of up to 85 units always fits.
    const n = v.length <= 85 ? -1 : Buffer.byteLength(v, "utf8");
    if (n > 255) throw new ShortStringTooLong(n);
    this.ensure(256);
    const written = this.buf.write(v, this.pos + 1, "utf8");
    this.buf[this.pos] = written;
    this.pos += 1 + written;
  }
  longstr(v: string | Uint8Array): void {
    if (typeof v === "string") {
      const n = Buffer.byteLength(v, "utf8");
      this.ensure(4 + n);
      this.pos = this.buf.writeUInt32BE(n, this.pos);
      this.pos += this.buf.write(v, this.pos, "utf8");
    } else {
      this.ensure(4 + v.length);
      this.pos = this.buf.writeUInt32BE(v.length, this.pos);
      this.buf.set(v, this.pos);
      this.pos += v.length;
    }
  }
  bytes(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
  timestamp(v: Date): void {
    this.longlongNumber(Math.floor(v.getTime() / 1000));
  }
  table(v: FieldTable): void {
    encodeFieldTable(this, v);
  }
}
