/** Errors of the `torsion` umbrella package: those of the `torsion` command-line runner. */
import { TorsionError } from "@torsion/defer";

/** The command line is wrong: an unknown option, a missing value, a bad number (`EX_USAGE`). */
export class RunnerUsageError extends TorsionError {
  override name = "RunnerUsageError";
  override readonly code: string = "ERR_RUNNER_USAGE";
}

/** No built-in plugin, installed package or module path gives a plugin of that name. */
export class PluginNotFoundError extends TorsionError {
  override name = "PluginNotFoundError";
  override readonly code: string = "ERR_PLUGIN_NOT_FOUND";
  constructor(readonly pluginName: string, tried: readonly string[], options?: ErrorOptions) {
    super(`no plugin named ${JSON.stringify(pluginName)} (tried ${tried.join(", ")})`, options);
  }
}

/** A module named on the command line could not be found or failed while being imported. */
export class ModuleLoadError extends TorsionError {
  override name = "ModuleLoadError";
  override readonly code: string = "ERR_MODULE_LOAD";
}

/** The module loaded, but the export named is missing or is neither a factory nor `makeService`. */
export class ModuleExportError extends TorsionError {
  override name = "ModuleExportError";
  override readonly code: string = "ERR_MODULE_EXPORT";
}

/** The plugin's service could not be built or started (its `makeService` threw, a port was taken, ...). */
export class ServiceStartError extends TorsionError {
  override name = "ServiceStartError";
  override readonly code: string = "ERR_SERVICE_START";
}
