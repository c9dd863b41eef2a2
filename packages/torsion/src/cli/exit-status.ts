/**
 * The runner's exit statuses: Twisted's `twisted.application.runner.ExitStatus`, which
 * are the BSD `sysexits.h` codes.
 */
import { CannotListenError } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { EndpointDescriptionError } from "@torsion/endpoints";
import { ModuleExportError, ModuleLoadError, PluginNotFoundError, RunnerUsageError, ServiceStartError } from "../errors.js";

/** `sysexits.h`, as Twisted names them. */
export const ExitStatus = {
  EX_OK: 0,
  EX_USAGE: 64,
  EX_DATAERR: 65,
  EX_NOINPUT: 66,
  EX_UNAVAILABLE: 69,
  EX_SOFTWARE: 70,
  EX_CONFIG: 78,
} as const;
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/**
 * The exit status for an error that ended the runner:
 * usage errors, unknown plugins and bad endpoint descriptions give `EX_USAGE` (64),
 * a module that cannot be loaded `EX_NOINPUT` (66), a module without a usable export
 * `EX_DATAERR` (65), a service that could not be built or could not listen
 * `EX_UNAVAILABLE` (69), anything else (a throwing plugin, a bug)
 * `EX_SOFTWARE` (70).
 */
export function exitStatusFor(error: unknown): ExitStatus {
  const value = error instanceof Failure ? error.value : error;
  if (value instanceof RunnerUsageError || value instanceof PluginNotFoundError) return ExitStatus.EX_USAGE;
  if (value instanceof EndpointDescriptionError) return ExitStatus.EX_USAGE;
  if (value instanceof ModuleLoadError) return ExitStatus.EX_NOINPUT;
  if (value instanceof ModuleExportError) return ExitStatus.EX_DATAERR;
  if (value instanceof ServiceStartError || value instanceof CannotListenError) return ExitStatus.EX_UNAVAILABLE;
  return ExitStatus.EX_SOFTWARE;
}
