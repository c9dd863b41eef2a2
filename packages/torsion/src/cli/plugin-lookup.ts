/**
 * Finding a plugin by name: a built-in one, an npm package `torsion-plugin-NAME` (or a
 * full package name such as `@scope/torsion-plugin-x`), or a module path.
 */
import createDebug from "debug";
import { PluginNotFoundError } from "../errors.js";
import { echoPlugin } from "./echo-plugin.js";
import { isRunnerPlugin, type RunnerPlugin } from "./plugin.js";
import { portforwardPlugin } from "./portforward-plugin.js";
import { servePlugin } from "./serve-plugin.js";
import { importModule, resolveModule, type ModuleImporter } from "./user-module.js";

const debug = createDebug("torsion:cli:plugin-lookup");

/** The plugins that come with the runner. */
export const BUILTIN_PLUGINS: readonly RunnerPlugin[] = [servePlugin, echoPlugin, portforwardPlugin];

/** The npm package name a plugin name maps to: `x` → `torsion-plugin-x`; a package name or path as given. */
export function candidateModules(name: string): string[] {
  if (name.startsWith(".") || name.startsWith("/") || /\.[cm]?js$/.test(name) || name.startsWith("@")) return [name];
  return [`torsion-plugin-${name}`];
}

/** How {@link lookUpPlugin} finds and imports modules (tests inject both). */
export interface LookupOptions {
  readonly cwd: string;
  readonly builtins?: readonly RunnerPlugin[];
  readonly importer?: ModuleImporter;
  readonly resolve?: (specifier: string, cwd: string) => string;
}

/**
 * The plugin named `name`. A module is a plugin if its `plugin` export, or its default
 * export, is a {@link RunnerPlugin}.
 * @throws PluginNotFoundError if none fits; `ModuleLoadError` if the module fails to import
 */
export async function lookUpPlugin(name: string, options: LookupOptions): Promise<RunnerPlugin> {
  const builtin = (options.builtins ?? BUILTIN_PLUGINS).find((p) => p.name === name);
  if (builtin !== undefined) return builtin;
  const tried = ["the built-in plugins"];
  for (const specifier of candidateModules(name)) {
    tried.push(specifier);
    let url: string;
    try {
      url = (options.resolve ?? resolveModule)(specifier, options.cwd);
    } catch (error) {
      debug("no module %s: %s", specifier, error instanceof Error ? error.message : String(error));
      continue;
    }
    const module = await importModule(url, options.importer ?? ((u) => import(u) as Promise<Record<string, unknown>>));
    const plugin = [module["plugin"], module["default"]].find(isRunnerPlugin);
    if (plugin !== undefined) return plugin;
    throw new PluginNotFoundError(name, [...tried, `(${specifier} has no plugin export)`]);
  }
  throw new PluginNotFoundError(name, tried);
}

/** The runner's list of built-in plugins, for `--help`. */
export function pluginList(builtins: readonly RunnerPlugin[] = BUILTIN_PLUGINS): string {
  const lines = builtins.map((p) => `  ${p.name.padEnd(12)} ${p.summary}`);
  return `Plugins:\n${lines.join("\n")}\n  NAME         the plugin of the npm package torsion-plugin-NAME, or a module path\n`;
}
