import { fileURLToPath } from "node:url";
import { Failure, type ErrorReporter } from "@torsion/defer";
import { NodeReactor } from "@torsion/reactor";
import { ProcessProtocol } from "@torsion/process";

/** The compiled child fixture. */
export const CHILD = fileURLToPath(new URL("./fixtures/child.js", import.meta.url));

/** One recorded protocol callback. */
export type Event =
  | { readonly kind: "made" }
  | { readonly kind: "data"; readonly fd: number; readonly data: Buffer }
  | { readonly kind: "lost"; readonly fd: number }
  | { readonly kind: "exited"; readonly reason: Failure }
  | { readonly kind: "ended"; readonly reason: Failure };

/** A process protocol that records every callback and resolves `ended` on `processEnded`. */
export class Recorder extends ProcessProtocol {
  readonly events: Event[] = [];
  readonly ended: Promise<Failure>;
  #resolve!: (reason: Failure) => void;

  constructor() {
    super();
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
  }

  override connectionMade(): void {
    this.events.push({ kind: "made" });
  }

  override childDataReceived(fd: number, data: Buffer): void {
    this.events.push({ kind: "data", fd, data });
    super.childDataReceived(fd, data);
  }

  override childConnectionLost(fd: number): void {
    this.events.push({ kind: "lost", fd });
    super.childConnectionLost(fd);
  }

  override processExited(reason: Failure): void | PromiseLike<unknown> {
    this.events.push({ kind: "exited", reason });
  }

  override processEnded(reason: Failure): void {
    this.events.push({ kind: "ended", reason });
    this.#resolve(reason);
  }

  /** Everything received on `fd`, concatenated. */
  output(fd: number): string {
    return Buffer.concat(this.events.flatMap((e) => (e.kind === "data" && e.fd === fd ? [e.data] : []))).toString();
  }

  /** The kinds of the events, with fds: `["made", "lost:0", ...]` (data left out). */
  shape(): string[] {
    return this.events.filter((e) => e.kind !== "data").map((e) => ("fd" in e ? `${e.kind}:${e.fd}` : e.kind));
  }
}

/** A reactor (not running) whose reported errors are collected in `errors`. */
export function testReactor(options: { shutdownGraceSeconds?: number } = {}): {
  reactor: NodeReactor;
  errors: { error: Error; context: string }[];
} {
  const errors: { error: Error; context: string }[] = [];
  const errorReporter: ErrorReporter = (failure, context) => {
    errors.push({ error: Failure.from(failure).value, context });
  };
  const reactor = new NodeReactor({ installSignalHandlers: false, errorReporter, ...options });
  return { reactor, errors };
}

/**
 * Checks the guarantees of the process contract on a recorded run: `made` first, `ended`
 * last and once, `exited` once before it, each fd lost once and nothing on an fd after it.
 * Returns a description of the first violation, or null.
 */
export function contractViolation(events: readonly Event[], fds: readonly number[]): string | null {
  if (events[0]?.kind !== "made") return "connectionMade is not first";
  const ends = events.filter((e) => e.kind === "ended").length;
  if (ends !== 1 || events[events.length - 1]?.kind !== "ended") return `processEnded is not last exactly once (${ends})`;
  const exitAt = events.findIndex((e) => e.kind === "exited");
  if (exitAt < 0 || events.filter((e) => e.kind === "exited").length !== 1) return "processExited not called exactly once";
  for (const fd of fds) {
    const lost = events.map((e, i) => (e.kind === "lost" && e.fd === fd ? i : -1)).filter((i) => i >= 0);
    if (lost.length !== 1) return `fd ${fd} lost ${lost.length} times`;
    if (events.some((e, i) => e.kind === "data" && e.fd === fd && i > lost[0]!)) return `data on fd ${fd} after it was lost`;
  }
  const extra = events.filter((e) => e.kind === "lost" && !fds.includes(e.fd));
  if (extra.length > 0) return `unexpected lost fds ${extra.map((e) => ("fd" in e ? e.fd : -1)).join(",")}`;
  return null;
}
