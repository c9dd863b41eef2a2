/**
 * Loading the user's module for `torsion serve MODULE[:EXPORT]` and telling what its
 * export is: a `makeService(options)` function, a protocol factory, or a `Protocol` class.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import createDebug from "debug";
import { Factory, type IProtocol, type IProtocolFactory, type IService } from "@torsion/core";
import { ModuleExportError, ModuleLoadError } from "../errors.js";

const debug = createDebug("torsion:cli:user-module");

/** `MODULE[:EXPORT]` split in two. */
export interface ModuleReference {
  readonly specifier: string;
  readonly exportName: string | null;
}

/** What a module's export turned out to be. */
export type ServeTarget =
  | { readonly kind: "makeService"; readonly makeService: (options: unknown) => unknown }
  | { readonly kind: "factory"; readonly factory: IProtocolFactory };

/** Imports a module by URL (injectable for tests). */
export type ModuleImporter = (url: string) => Promise<Record<string, unknown>>;

/** Export names tried, in order, when `MODULE` names none. */
export const DEFAULT_EXPORTS = ["makeService", "factory", "default"] as const;

/** Splits `MODULE[:EXPORT]`; EXPORT is an identifier after the last colon. */
export function parseModuleReference(reference: string): ModuleReference {
  const match = /^(.+):([A-Za-z_$][\w$]*)$/.exec(reference);
  if (match === null || /^[A-Za-z]$/.test(match[1]!)) return { specifier: reference, exportName: null };
  return { specifier: match[1]!, exportName: match[2]! };
}

/**
 * The URL to import for `specifier`: a file relative to `cwd` if one exists there (or the
 * specifier looks like a path), else a package resolved from `cwd`.
 * @throws ModuleLoadError if neither exists
 */
export function resolveModule(specifier: string, cwd: string): string {
  const asPath = path.resolve(cwd, specifier);
  const looksLikePath = specifier.startsWith(".") || specifier.startsWith("/") || /\.[cm]?js$/.test(specifier);
  if (existsSync(asPath)) return pathToFileURL(asPath).href;
  if (looksLikePath) throw new ModuleLoadError(`cannot find module ${JSON.stringify(specifier)} (no file ${asPath})`);
  try {
    return pathToFileURL(createRequire(path.join(cwd, "package.json")).resolve(specifier)).href;
  } catch (error) {
    throw new ModuleLoadError(`cannot find module ${JSON.stringify(specifier)} from ${cwd}`, { cause: error });
  }
}

/** Imports `url`. @throws ModuleLoadError if importing it fails (syntax error, throwing top level, ...) */
export async function importModule(url: string, importer: ModuleImporter): Promise<Record<string, unknown>> {
  try {
    return await importer(url);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModuleLoadError(`cannot load ${url}: ${message}`, { cause: error });
  }
}

/**
 * What `module` serves: the named export, or the first of {@link DEFAULT_EXPORTS} present.
 * @throws ModuleExportError if it is missing or is none of the three kinds
 */
export function serveTargetOf(module: Record<string, unknown>, exportName: string | null, where: string): ServeTarget {
  const name = exportName ?? DEFAULT_EXPORTS.find((n) => module[n] !== undefined && module[n] !== null);
  if (name === undefined) throw new ModuleExportError(`${where} has none of the exports ${DEFAULT_EXPORTS.join(", ")}; name one as MODULE:EXPORT`);
  const value = module[name];
  if (value === undefined) throw new ModuleExportError(`${where} has no export named ${JSON.stringify(name)}`);
  debug("serving export %s of %s", name, where);
  const target = classify(value, name);
  if (target === null) {
    throw new ModuleExportError(`export ${JSON.stringify(name)} of ${where} is not a protocol factory, a Protocol class or a makeService(options) function`);
  }
  return target;
}

function classify(value: unknown, name: string): ServeTarget | null {
  if (isFactory(value)) return { kind: "factory", factory: value };
  if (typeof value !== "function") return null;
  const proto = (value as { prototype?: Partial<IProtocol> }).prototype;
  if (proto !== undefined && typeof proto.dataReceived === "function" && typeof proto.makeConnection === "function") {
    return { kind: "factory", factory: Factory.forProtocol(value as new () => IProtocol) };
  }
  if (name === "factory") return null;
  return { kind: "makeService", makeService: value as (options: unknown) => unknown };
}

/** True for an object with `buildProtocol`, `doStart` and `doStop`. */
export function isFactory(value: unknown): value is IProtocolFactory {
  const f = value as Partial<IProtocolFactory> | null;
  return typeof f === "object" && f !== null && typeof f.buildProtocol === "function" && typeof f.doStart === "function";
}

/** True for an object that looks like an `IService`. */
export function isService(value: unknown): value is IService {
  const s = value as Partial<IService> | null;
  return typeof s === "object" && s !== null && typeof s.startService === "function" && typeof s.stopService === "function";
}
