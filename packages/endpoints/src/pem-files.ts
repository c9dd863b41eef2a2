import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EndpointFileError, EndpointValueError } from "./errors.js";
import { nodeCrypto } from "./lazy-builtins.js";
import type { PEMFile } from "./tls-provider.js";

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads a file named by parameter `parameter`. @throws EndpointFileError */
export function readPEMFile(parameter: string, path: string): PEMFile {
  try {
    return { path, pem: readFileSync(path) };
  } catch (error) {
    throw new EndpointFileError(parameter, path, error);
  }
}

/** Checks that the file holds a certificate (the first one is parsed). @throws EndpointValueError */
export function checkCertificate(parameter: string, file: PEMFile): PEMFile {
  try {
    new (nodeCrypto().X509Certificate)(file.pem);
  } catch (error) {
    throw new EndpointValueError(parameter, file.path, "a file holding a PEM certificate", { cause: error });
  }
  return file;
}

/** Checks that the file holds an unencrypted private key. @throws EndpointValueError */
export function checkPrivateKey(parameter: string, file: PEMFile): PEMFile {
  try {
    nodeCrypto().createPrivateKey(file.pem);
  } catch (error) {
    throw new EndpointValueError(parameter, file.path, "a file holding an unencrypted PEM private key", { cause: error });
  }
  return file;
}

/** Checks that the file holds at least one certificate (Twisted's `extraCertChain` check). */
export function checkCertificateChain(parameter: string, file: PEMFile): PEMFile {
  const blocks = file.pem.toString("latin1").match(CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new EndpointValueError(parameter, file.path, "a file holding PEM certificates");
  for (const block of blocks) checkCertificate(parameter, { path: file.path, pem: Buffer.from(block, "latin1") });
  return file;
}

/**
 * The certificates of a CA directory, as Twisted's `_loadCAsFromDir`: every file whose
 * name ends in `.pem` (any case) that can be read and holds a certificate; other files are
 * skipped. @throws EndpointFileError when the directory cannot be listed
 */
export function readCertificateDirectory(parameter: string, directory: string): PEMFile[] {
  let names: string[];
  try {
    names = readdirSync(directory).sort();
  } catch (error) {
    throw new EndpointFileError(parameter, directory, error);
  }
  const out: PEMFile[] = [];
  for (const name of names) {
    if (!name.toLowerCase().endsWith(".pem")) continue;
    const path = join(directory, name);
    let pem: Buffer;
    try {
      pem = readFileSync(path);
      new (nodeCrypto().X509Certificate)(pem);
    } catch {
      continue;
    }
    out.push({ path, pem });
  }
  return out;
}
