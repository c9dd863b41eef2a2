/**
 * `torsion serve --listen DESCRIPTION MODULE[:EXPORT] [ARGS...]`: serves a protocol
 * factory, a `Protocol` class or the service of a `makeService(options)` export of the
 * user's ES module.
 */
import type { IService } from "@torsion/core";
import { RunnerUsageError, ServiceStartError } from "../errors.js";
import { listenService } from "./listen-service.js";
import { parseOptions } from "./parse-options.js";
import type { PluginContext, PluginReactor, RunnerPlugin } from "./plugin.js";
import { importModule, isFactory, isService, parseModuleReference, resolveModule, serveTargetOf, type ModuleImporter } from "./user-module.js";

/** What a `makeService(options)` export is called with. */
export interface ServeOptions {
  readonly reactor: PluginReactor;
  /** The `--listen` descriptions, in order (possibly none). */
  readonly listen: readonly string[];
  /** The arguments after MODULE. */
  readonly args: readonly string[];
  readonly log: PluginContext["log"];
}

const USAGE = `Usage: torsion serve --listen DESCRIPTION [--listen ...] MODULE[:EXPORT] [ARGS...]

Serves an export of the ES module MODULE (a path, or a package name):
  - a protocol factory (an object with buildProtocol), or a Protocol class: listened on
    at every --listen description;
  - a function makeService({ reactor, listen, args, log }) returning a service (or a
    factory, served as above), possibly through a promise.
Without :EXPORT, the exports makeService, factory and default are tried in that order.
The module must not start anything when imported.

Examples:
  torsion serve --listen tcp:8000 examples/dist/echo-server/main.js
  torsion serve --listen tcp:8000 --listen unix:/tmp/echo.sock ./server.js:EchoFactory
`;

/** Builds the `serve` plugin; `importer` is how modules are imported (tests inject one). */
export function makeServePlugin(importer: ModuleImporter = (url) => import(url) as Promise<Record<string, unknown>>): RunnerPlugin {
  return {
    name: "serve",
    summary: "serve a factory or makeService(options) export of your ES module",
    usage: USAGE,
    async makeService(args, context) {
      const parsed = parseOptions(args, [{ name: "listen", takesValue: true, repeatable: true }], { stopAtPositional: true });
      const reference = parsed.rest[0];
      if (reference === undefined) throw new RunnerUsageError("serve: MODULE is required");
      const listen = parsed.values.get("listen") ?? [];
      const { specifier, exportName } = parseModuleReference(reference);
      const url = resolveModule(specifier, context.cwd);
      const target = serveTargetOf(await importModule(url, importer), exportName, specifier);
      if (target.kind === "factory") return listenService(context.reactor, listen, target.factory, context.log, "serve");
      const options: ServeOptions = { reactor: context.reactor, listen, args: parsed.rest.slice(1), log: context.log };
      return serviceFrom(await callMakeService(target.makeService, options, specifier), listen, context);
    },
  };
}

async function callMakeService(makeService: (options: unknown) => unknown, options: ServeOptions, where: string): Promise<unknown> {
  try {
    return await makeService(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ServiceStartError(`makeService of ${where} failed: ${message}`, { cause: error });
  }
}

function serviceFrom(result: unknown, listen: readonly string[], context: PluginContext): IService {
  if (isService(result)) return result;
  if (isFactory(result)) return listenService(context.reactor, listen, result, context.log, "serve");
  throw new ServiceStartError("makeService returned neither a service nor a protocol factory");
}

export const servePlugin: RunnerPlugin = makeServePlugin();
