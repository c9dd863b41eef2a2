/** The contract between the runner and a plugin (Twisted's `IServiceMaker`). */
import type { IReactorCore, IReactorTCP, IReactorTime, IReactorUNIX, IService } from "@torsion/core";
import type { Logger } from "@torsion/logger";

/** The reactor a plugin builds its service on (the default `reactor` of `torsion`). */
export type PluginReactor = IReactorCore & IReactorTime & IReactorTCP & IReactorUNIX;

/** What the runner hands a plugin. */
export interface PluginContext {
  readonly reactor: PluginReactor;
  /** The directory relative module paths are resolved against (the runner's working directory). */
  readonly cwd: string;
  /** A logger in the plugin's namespace (`torsion.runner.<plugin>`). */
  readonly log: Logger;
}

/**
 * A runner plugin: `torsion NAME [options]` runs the service `makeService` returns.
 *
 * A third-party plugin is an npm package named `torsion-plugin-NAME` (or
 * `@scope/torsion-plugin-NAME`, named in full on the command line), or any module given
 * by path (`torsion ./my-plugin.js ...`), whose `plugin` export (or default export) is a
 * `RunnerPlugin`.
 */
export interface RunnerPlugin {
  /** The command name, e.g. `serve`. */
  readonly name: string;
  /** One line for the runner's plugin list. */
  readonly summary: string;
  /** The plugin's `--help` text. */
  readonly usage: string;
  /**
   * Parses the plugin's own arguments and builds the service; it must not start it (the
   * runner does, once the reactor runs). May return a promise.
   * @throws RunnerUsageError (or any error) for bad arguments: the runner prints it and the
   *   usage and exits with `EX_USAGE`
   */
  makeService(args: readonly string[], context: PluginContext): IService | PromiseLike<IService>;
}

/** True if `value` looks like a {@link RunnerPlugin}. */
export function isRunnerPlugin(value: unknown): value is RunnerPlugin {
  const p = value as Partial<RunnerPlugin> | null;
  return typeof p === "object" && p !== null && typeof p.name === "string" && typeof p.makeService === "function";
}
