import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Factory, Protocol, type IProtocol } from "@torsion/core";
import type { Deferred, Failure } from "@torsion/defer";

/** A protocol that records what happens to it. */
export class Recorder extends Protocol {
  events: string[] = [];
  received = Buffer.alloc(0);
  lost: Failure | null = null;

  override connectionMade(): void {
    this.events.push("connectionMade");
  }

  override dataReceived(data: Buffer): void {
    this.received = Buffer.concat([this.received, data]);
  }

  override connectionLost(reason: Failure): void {
    this.events.push("connectionLost");
    this.lost = reason;
  }

  write(text: string): void {
    this.transport.write(Buffer.from(text));
  }
}

/** Echoes what it receives. */
export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport?.write(data);
  }
}

/** A factory of `P` that keeps every protocol it built and counts doStart/doStop. */
export class KeepingFactory<P extends IProtocol> extends Factory<P> {
  built: P[] = [];
  starts = 0;
  stops = 0;

  constructor(protocol: new () => P) {
    super();
    this.protocol = protocol;
  }

  override buildProtocol(addr: Parameters<Factory<P>["buildProtocol"]>[0]): P | null {
    const p = super.buildProtocol(addr);
    if (p !== null) this.built.push(p);
    return p;
  }

  override startFactory(): void {
    this.starts++;
  }

  override stopFactory(): void {
    this.stops++;
  }
}

/** Polls `predicate` every millisecond until it holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** The error a failed Deferred carries (rejects the test if it succeeds). */
export async function failureOf(d: Deferred<unknown>): Promise<Error> {
  try {
    await d;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the Deferred to fail");
}

/** A fresh temp directory and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torsion-endpoints-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Throw-away test certificates made with the `openssl` CLI, or why they cannot be. */
export interface TestCertificates {
  readonly dir: string;
  /** Certificate only. */
  readonly cert: string;
  /** Private key only. */
  readonly key: string;
  /** Certificate and key in one file. */
  readonly both: string;
}

/**
 * Makes a self-signed EC certificate for `localhost` in `dir` with `openssl`. Returns a
 * reason string when openssl is missing: the caller skips, or fails under `CI=true`.
 */
export function makeCertificates(dir: string): TestCertificates | string {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const both = path.join(dir, "both.pem");
  const result = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
    ],
    { encoding: "utf8" },
  );
  if (result.error !== undefined || result.status !== 0) {
    const why = `openssl is not available (${result.error?.message ?? result.stderr}); run scripts/install-test-deps.sh`;
    if (process.env.CI === "true") throw new Error(why);
    return why;
  }
  fs.writeFileSync(both, Buffer.concat([fs.readFileSync(cert), fs.readFileSync(key)]));
  return { dir, cert, key, both };
}
