/**
 * Certificates for the StartTLS interop tests, generated at test time with the `openssl`
 * CLI into a temp dir (nothing private is committed): a CA and a `localhost` server
 * certificate (also valid for 127.0.0.1) signed by it. Removed at process exit.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

export interface InteropCertificates {
  readonly dir: string;
  /** Paths of the PEM files. */
  readonly caPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  /** Their contents. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

let opensslAvailable: boolean | null = null;

/** True when the `openssl` CLI runs; otherwise fails under CI=true, else skips `t` with the reason. */
export function requireOpenSSL(t: TestContext): boolean {
  if (opensslAvailable === null) {
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      opensslAvailable = true;
    } catch {
      opensslAvailable = false;
    }
  }
  if (opensslAvailable) return true;
  const reason = "the openssl CLI is missing (run scripts/install-test-deps.sh)";
  if (process.env.CI === "true") throw new Error(reason);
  t.skip(reason);
  return false;
}

let cached: InteropCertificates | null = null;

function openssl(dir: string, args: readonly string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** The CA and server certificate (made once per test process). */
export function interopCertificates(): InteropCertificates {
  if (cached !== null) return cached;
  const dir = mkdtempSync(join(tmpdir(), "torsion-amp-tls-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-days",
    "2",
    "-subj",
    "/CN=Torsion AMP test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(dir, ["req", ...ec, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]);
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
  );
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    "server.pem",
    "-extfile",
    "server.ext",
  ]);
  const read = (name: string): string => readFileSync(join(dir, name), "latin1");
  const certs: InteropCertificates = {
    dir,
    caPath: join(dir, "ca.pem"),
    serverCertPath: join(dir, "server.pem"),
    serverKeyPath: join(dir, "server.key"),
    caCert: read("ca.pem"),
    serverCert: read("server.pem"),
    serverKey: read("server.key"),
  };
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  cached = certs;
  return certs;
}
