/**
 * Test certificates, generated at test time with the `openssl` CLI into a temp dir
 * (nothing private is committed): a CA, a server certificate for `localhost`/127.0.0.1/::1
 * signed by it, a client certificate signed by it, and a second, untrusted CA with its own
 * `localhost` server certificate.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPKI {
  readonly dir: string;
  /** A directory holding only the CA's certificate (for `caCertsDir=`/`trustRoots=`). */
  readonly trustDir: string;
  /** PEM files (paths) and contents. */
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly clientKey: string;
  readonly clientCert: string;
  readonly otherCACert: string;
  readonly otherServerKey: string;
  readonly otherServerCert: string;
  path(name: string): string;
  remove(): void;
}

/** Whether the `openssl` CLI is installed. */
export function haveOpenSSL(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function ca(dir: string, name: string): void {
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=Torsion test CA ${name}`,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

function leaf(dir: string, name: string, caName: string, cn: string, ext: string): void {
  openssl(dir, [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    `/CN=${cn}`,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
  ]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${caName}.pem`,
    "-CAkey",
    `${caName}.key`,
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}.pem`,
    "-extfile",
    `${name}.ext`,
  ]);
}

const SERVER_EXT = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n";
const CLIENT_EXT = "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n";

let cached: TestPKI | null = null;

/** The test PKI (made once per test process; removed at exit). */
export function testPKI(): TestPKI {
  if (cached !== null) return cached;
  const dir = mkdtempSync(join(tmpdir(), "torsion-tls-"));
  ca(dir, "ca");
  leaf(dir, "server", "ca", "localhost", SERVER_EXT);
  leaf(dir, "client", "ca", "torsion-client", CLIENT_EXT);
  ca(dir, "other-ca");
  leaf(dir, "other-server", "other-ca", "localhost", SERVER_EXT);
  mkdirSync(join(dir, "trust"));
  copyFileSync(join(dir, "ca.pem"), join(dir, "trust", "ca.pem"));
  const read = (name: string) => readFileSync(join(dir, name), "latin1");
  const pki: TestPKI = {
    dir,
    trustDir: join(dir, "trust"),
    caCert: read("ca.pem"),
    serverKey: read("server.key"),
    serverCert: read("server.pem"),
    clientKey: read("client.key"),
    clientCert: read("client.pem"),
    otherCACert: read("other-ca.pem"),
    otherServerKey: read("other-server.key"),
    otherServerCert: read("other-server.pem"),
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  process.once("exit", () => pki.remove());
  cached = pki;
  return pki;
}
