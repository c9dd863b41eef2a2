import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Certificate,
  CertificateOptions,
  KeyPair,
  optionsForClientTLS,
  PEMError,
  platformTrust,
  PrivateCertificate,
  TLSOptionsError,
  trustRootFromCertificates,
} from "@torsion/tls";
import { haveOpenSSL, testPKI } from "./test-certificates.js";

const skip = haveOpenSSL() ? false : process.env.CI === "true" ? false : "the openssl CLI is not installed (scripts/install-test-deps.sh)";

describe("Certificate, KeyPair and PrivateCertificate", { skip }, () => {
  it("loadPEM reads a certificate and reports its subject, issuer and fingerprint", () => {
    const pki = testPKI();
    const cert = Certificate.loadPEM(pki.serverCert);
    assert.equal(cert.getSubject(), "CN=localhost");
    assert.match(cert.getIssuer(), /Torsion test CA ca/);
    assert.match(cert.digest(), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(Certificate.loadPEM(cert.dumpPEM()).digest(), cert.digest());
  });

  it("PrivateCertificate.loadPEM takes certificate and key from one blob and dumps both", () => {
    const pki = testPKI();
    const pc = PrivateCertificate.loadPEM(pki.serverKey + pki.serverCert);
    assert.ok(pc.privateKey.matches(pc));
    const again = PrivateCertificate.loadPEM(pc.dumpPEM());
    assert.equal(again.digest(), pc.digest());
  });

  it("refuses a key that does not belong to the certificate", () => {
    const pki = testPKI();
    assert.throws(
      () => PrivateCertificate.fromCertificateAndKeyPair(Certificate.loadPEM(pki.serverCert), KeyPair.load(pki.clientKey)),
      PEMError,
    );
  });

  it("reports PEMError for data without a certificate or a key", () => {
    assert.throws(() => Certificate.loadPEM("not pem"), PEMError);
    assert.throws(() => KeyPair.load("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"), PEMError);
  });

  it("KeyPair.generate makes a private key that dumps as PKCS#8 and loads back", () => {
    const key = KeyPair.generate("ec");
    assert.match(key.dump(), /BEGIN PRIVATE KEY/);
    assert.equal(KeyPair.load(key.dump()).key.asymmetricKeyType, "ec");
  });
});

describe("CertificateOptions and optionsForClientTLS", { skip }, () => {
  it("refuses only one of privateKey and certificate", () => {
    const pki = testPKI();
    assert.throws(() => new CertificateOptions({ privateKey: pki.serverKey }), TLSOptionsError);
    assert.throws(() => new CertificateOptions({ certificate: pki.serverCert }), TLSOptionsError);
  });

  it("refuses trustRoot combined with verify, caCerts or requireCertificate, and verify without caCerts", () => {
    const pki = testPKI();
    const trustRoot = trustRootFromCertificates([Certificate.loadPEM(pki.caCert)]);
    assert.throws(() => new CertificateOptions({ trustRoot, verify: true, caCerts: [Certificate.loadPEM(pki.caCert)] }), TLSOptionsError);
    assert.throws(() => new CertificateOptions({ trustRoot, requireCertificate: false }), TLSOptionsError);
    assert.throws(() => new CertificateOptions({ verify: true }), TLSOptionsError);
  });

  it("a server context asks for client certificates only when it verifies", () => {
    const pki = testPKI();
    const plain = new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert });
    assert.deepEqual([plain.tlsOptionsFor("server", "").requestCert, plain.tlsOptionsFor("server", "").rejectUnauthorized], [false, false]);
    const pc = PrivateCertificate.loadPEM(pki.serverKey + pki.serverCert);
    const verifying = pc.options(Certificate.loadPEM(pki.caCert)).tlsOptionsFor("server", "");
    assert.deepEqual([verifying.requestCert, verifying.rejectUnauthorized], [true, true]);
    const optional = new CertificateOptions({
      privateKey: pki.serverKey,
      certificate: pki.serverCert,
      verify: true,
      caCerts: [Certificate.loadPEM(pki.caCert)],
      requireCertificate: false,
    });
    assert.deepEqual(
      [optional.tlsOptionsFor("server", "").requestCert, optional.tlsOptionsFor("server", "").rejectUnauthorized],
      [true, false],
    );
  });

  it("optionsForClientTLS sends SNI for a DNS name in A-label form and none for an IP literal", () => {
    const idn = optionsForClientTLS("bücher.example").tlsOptionsFor("client", "ignored");
    assert.deepEqual([idn.servername, idn.checkHost], ["xn--bcher-kva.example", "xn--bcher-kva.example"]);
    const ip = optionsForClientTLS("127.0.0.1").tlsOptionsFor("client", "ignored");
    assert.deepEqual([ip.servername, ip.checkHost], [undefined, "127.0.0.1"]);
  });

  it("optionsForClientTLS refuses a hostname that is not a non-empty string and has no server side", () => {
    assert.throws(() => optionsForClientTLS(Buffer.from("localhost") as unknown as string), TLSOptionsError);
    assert.throws(() => optionsForClientTLS(""), TLSOptionsError);
    assert.throws(() => optionsForClientTLS("localhost").tlsOptionsFor("server", ""), TLSOptionsError);
  });

  it("trustRootFromCertificates takes only certificates, and platformTrust is the platform's", () => {
    assert.throws(() => trustRootFromCertificates(["pem" as unknown as Certificate]), TLSOptionsError);
    assert.equal(platformTrust().kind, "platform");
    const pki = testPKI();
    const root = trustRootFromCertificates([PrivateCertificate.loadPEM(pki.serverKey + pki.serverCert)]);
    assert.equal(root.certificates.length, 1);
    assert.doesNotMatch(root.certificates[0] ?? "", /PRIVATE KEY/, "a PrivateCertificate's key never goes into a trust root");
  });

  it("reports Node's refusal of a bad context as TLSOptionsError when built", () => {
    const pki = testPKI();
    assert.throws(
      () => new CertificateOptions({ privateKey: pki.serverKey, certificate: pki.serverCert, acceptableCiphers: "NO-SUCH-CIPHER" }),
      TLSOptionsError,
    );
  });
});
