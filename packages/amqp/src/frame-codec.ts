/**
 * Encoding frames (method, content header, body, heartbeat) and decoding method and
 * content-header payloads, with the generated tables of `spec/amqp-spec.generated.ts`.
 */
import { AmqpSyntaxError } from "./errors.js";
import { FRAME_END, FRAME_OVERHEAD, FrameType } from "./frame-decoder.js";
import { Reader, type Writer } from "./spec/codec-io.js";
import {
  DECODERS,
  ENCODERS,
  METHOD_IDS,
  METHOD_INFO,
  decodeBasicProperties,
  encodeBasicProperties,
  type AmqpMethod,
  type BasicProperties,
  type MethodArgsMap,
  type MethodName,
} from "./spec/amqp-spec.generated.js";

/** The protocol header a client sends first: `AMQP 0 0 9 1`. */
export const PROTOCOL_HEADER: Buffer = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** A heartbeat frame (type 8, channel 0, no payload). */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([FrameType.heartbeat, 0, 0, 0, 0, 0, 0, FRAME_END]);

function beginFrame(w: Writer, type: number, channel: number): number {
  w.ensure(7);
  w.buf[w.pos] = type;
  w.buf.writeUInt16BE(channel, w.pos + 1);
  w.pos += 7;
  return w.pos;
}

function endFrame(w: Writer, start: number): void {
  w.buf.writeUInt32BE(w.pos - start, start - 4);
  w.octet(FRAME_END);
}

/**
 * Appends a method frame to `w`. If an argument is invalid (a short string over 255 bytes,
 * a bad table value), throws and leaves `w` as it was.
 */
export function writeMethod<K extends MethodName>(w: Writer, channel: number, name: K, args: MethodArgsMap[K]): void {
  const mark = w.pos;
  try {
    const start = beginFrame(w, FrameType.method, channel);
    const id = METHOD_IDS[name];
    w.ensure(4);
    w.pos = w.buf.writeUInt32BE(id, w.pos);
    (ENCODERS[name] as (w: Writer, a: MethodArgsMap[K]) => void)(w, args);
    endFrame(w, start);
  } catch (error) {
    w.pos = mark;
    throw error;
  }
}

/**
 * Appends a content header frame and the body frames (each payload at most
 * `frameMax − 8` bytes; an empty body sends no body frame) to `w`.
 */
export function writeContent(w: Writer, channel: number, classId: number, properties: BasicProperties, body: Uint8Array, frameMax: number): void {
  const mark = w.pos;
  try {
    const start = beginFrame(w, FrameType.header, channel);
    w.ensure(12);
    w.pos = w.buf.writeUInt16BE(classId, w.pos);
    w.pos = w.buf.writeUInt16BE(0, w.pos);
    w.longlongNumber(body.length);
    encodeBasicProperties(w, properties);
    endFrame(w, start);
  } catch (error) {
    w.pos = mark;
    throw error;
  }
  const max = frameMax - FRAME_OVERHEAD;
  w.ensure(body.length + Math.ceil(body.length / max) * FRAME_OVERHEAD);
  for (let at = 0; at < body.length; at += max) {
    const end = Math.min(at + max, body.length);
    const start = beginFrame(w, FrameType.body, channel);
    w.buf.set(body.subarray(at, end), w.pos);
    w.pos += end - at;
    endFrame(w, start);
  }
}

/** Decodes a method frame's payload. @throws AmqpSyntaxError for an unknown method or a malformed payload. */
export function decodeMethod(payload: Buffer): AmqpMethod {
  if (payload.length < 4) throw new AmqpSyntaxError(`method frame of ${payload.length} bytes`);
  const id = payload.readUInt32BE(0);
  const decode = DECODERS.get(id);
  const info = METHOD_INFO.get(id);
  if (decode === undefined || info === undefined) throw new AmqpSyntaxError(`unknown method ${id >>> 16}/${id & 0xffff}`, 540);
  const reader = new Reader(payload, 4);
  const args = decode(reader);
  return { name: info.name, classId: info.classId, methodId: info.methodId, args } as AmqpMethod;
}

/** A decoded content header. */
export interface ContentHeader {
  readonly classId: number;
  readonly bodySize: number;
  readonly properties: BasicProperties;
}

/** Decodes a content header frame's payload. */
export function decodeContentHeader(payload: Buffer): ContentHeader {
  const r = new Reader(payload);
  const classId = r.short();
  r.short(); // weight
  const bodySize = r.longlongNumber();
  const properties = decodeBasicProperties(r);
  return { classId, bodySize, properties };
}
