import { reportError } from "@torsion/defer";
import { respToString, type RespValue } from "./resp-types.js";

/**
 * Called once per message: the payload (bytes), the channel it was published on, and for
 * pattern subscriptions the pattern that matched. An exception it throws is reported
 * through the error reporter and does not affect the connection.
 */
export type MessageListener = (message: Buffer, channel: string, pattern?: string) => void;

/** The pub/sub commands whose confirmations {@link PubSub} counts. */
export type PubSubKind = "subscribe" | "psubscribe" | "unsubscribe" | "punsubscribe";

const CONFIRMATIONS = new Set(["subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ssubscribe", "sunsubscribe"]);
const MESSAGES = new Set(["message", "pmessage", "smessage"]);

/**
 * One connection's subscriptions: the listeners of each channel and pattern, and the
 * server's subscription count (from the last confirmation) that says whether a RESP2
 * connection is in subscribed mode. Channel names are kept as UTF-8 text.
 */
export class PubSub {
  readonly #channels = new Map<string, Set<MessageListener>>();
  readonly #patterns = new Map<string, Set<MessageListener>>();
  /** The count in the last (un)subscribe confirmation: > 0 means subscribed mode. */
  subscribedCount = 0;

  static isConfirmation(kind: string): boolean {
    return CONFIRMATIONS.has(kind);
  }

  static isMessage(kind: string): boolean {
    return MESSAGES.has(kind);
  }

  /** Whether a confirmation of `kind` answers a command of `command`'s kind. */
  static matches(command: PubSubKind, kind: string): boolean {
    return command === kind;
  }

  add(kind: PubSubKind, names: readonly string[], listener: MessageListener): void {
    const map = kind === "psubscribe" ? this.#patterns : this.#channels;
    for (const name of names) {
      let set = map.get(name);
      if (set === undefined) map.set(name, (set = new Set()));
      set.add(listener);
    }
  }

  /** Drops the listeners of `names` (of every channel or pattern when empty). */
  remove(kind: PubSubKind, names: readonly string[]): void {
    const map = kind === "punsubscribe" ? this.#patterns : this.#channels;
    if (names.length === 0) map.clear();
    for (const name of names) map.delete(name);
  }

  /** How many channels (`unsubscribe`) or patterns (`punsubscribe`) have listeners. */
  count(kind: PubSubKind): number {
    return (kind === "punsubscribe" || kind === "psubscribe" ? this.#patterns : this.#channels).size;
  }

  names(): { channels: string[]; patterns: string[] } {
    return { channels: [...this.#channels.keys()], patterns: [...this.#patterns.keys()] };
  }

  /** A confirmation `[kind, name, count]` arrived. */
  confirmed(values: readonly RespValue[]): void {
    const count = values[2];
    if (typeof count === "number") this.subscribedCount = count;
  }

  /** A message `[message, channel, payload]` or `[pmessage, pattern, channel, payload]`. */
  dispatch(kind: string, values: readonly RespValue[]): void {
    const pattern = kind === "pmessage" ? respToString(values[1] ?? null) : undefined;
    const channelValue = values[pattern === undefined ? 1 : 2];
    const payloadValue = values[pattern === undefined ? 2 : 3];
    if (channelValue === undefined || payloadValue === undefined) return;
    const channel = respToString(channelValue);
    const payload = Buffer.isBuffer(payloadValue) ? payloadValue : Buffer.from(respToString(payloadValue));
    const listeners = pattern === undefined ? this.#channels.get(channel) : this.#patterns.get(pattern);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(payload, channel, pattern);
      } catch (error) {
        reportError(error, `Redis message listener for ${pattern ?? channel}`);
      }
    }
  }
}
