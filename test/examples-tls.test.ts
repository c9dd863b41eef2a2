import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode, type Running } from "./helpers/run-node.js";

const listening = /listening on .*port=(\d+)/;

function haveOpenSSL(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A CA and a localhost server certificate made with the openssl CLI in a temp dir. */
function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=tls-echo example CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  run(["req", ...ec, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]);
  writeFileSync(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run([
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
    "1",
    "-out",
    "server.pem",
    "-extfile",
    "server.ext",
  ]);
  mkdirSync(join(dir, "trusted"));
  copyFileSync(join(dir, "ca.pem"), join(dir, "trusted", "ca.pem"));
}

async function stop(server: Running): Promise<void> {
  server.child.kill("SIGTERM");
  const result = await server.finished(10_000);
  assert.equal(result.code, 0, `server exit ${String(result.code)} ${String(result.signal)}: ${result.stderr}`);
}

const skip = haveOpenSSL() || process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";

describe("the tls-echo example", { skip }, () => {
  it(
    "echoes over ssl: descriptions with verification, reports the handshake, and refuses a wrong hostname",
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "torsion-tls-echo-"));
      try {
        makeCertificates(dir);
        const server = startNode("examples/dist/tls-echo/server.js", [
          `ssl:0:interface=127.0.0.1:privateKey=${join(dir, "server.key")}:certKey=${join(dir, "server.pem")}`,
        ]);
        try {
          const [, port] = await server.waitForLine(listening, 10_000);
          const client = startNode("examples/dist/tls-echo/client.js", [
            `ssl:localhost:${port!}:caCertsDir=${join(dir, "trusted")}`,
            "over ssl",
          ]);
          const result = await client.finished(10_000);
          assert.equal(result.code, 0, result.stdout + result.stderr);
          assert.match(result.stdout, /server certificate: CN=localhost, issued by CN=tls-echo example CA/);
          assert.match(result.stdout, /server echoed: over ssl/);
          await server.waitForLine(/handshake completed with/, 5_000);

          const tlsClient = startNode("examples/dist/tls-echo/client.js", [
            `tls:localhost:${port!}:trustRoots=${join(dir, "trusted")}`,
            "over tls",
          ]);
          assert.match((await tlsClient.finished(10_000)).stdout, /server echoed: over tls/);

          const wrong = startNode("examples/dist/tls-echo/client.js", [
            `ssl:127.0.0.1:${port!}:hostname=elsewhere.example:caCertsDir=${join(dir, "trusted")}`,
          ]);
          const refused = await wrong.finished(10_000);
          assert.equal(refused.code, 1);
          assert.match(refused.stdout, /connection closed: HostnameMismatch/);
        } finally {
          await stop(server);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("runs plaintext from a tcp: description too", { timeout: 20_000 }, async () => {
    const server = startNode("examples/dist/tls-echo/server.js", ["tcp:0:interface=127.0.0.1"]);
    try {
      const [, port] = await server.waitForLine(listening, 10_000);
      const result = await startNode("examples/dist/tls-echo/client.js", [`tcp:127.0.0.1:${port!}`, "plain"]).finished(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /server echoed: plain/);
    } finally {
      await stop(server);
    }
  });
});
