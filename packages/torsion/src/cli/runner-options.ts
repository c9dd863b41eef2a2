/** The runner's own options: everything on the command line before the plugin name. */
import createDebug from "debug";
import { isLogLevel, type LogLevel } from "@torsion/logger";
import { RunnerUsageError } from "../errors.js";
import { hasFlag, optionValue, parseOptions, type OptionSpec } from "./parse-options.js";

const debug = createDebug("torsion:cli:runner-options");

/** How log events are written. */
export type LogFormat = "text" | "json";

/** The parsed runner command line. */
export interface RunnerOptions {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** `-` is standard output (Twisted's default); anything else is a file, appended to. */
  readonly logFile: string;
  /** How many worker processes; `null` runs the service in this process. */
  readonly workers: number | null;
  /** An endpoint description to answer health checks on, or `null`. */
  readonly health: string | null;
  readonly help: boolean;
  readonly version: boolean;
  /** The plugin's name, or `null` if none was given. */
  readonly plugin: string | null;
  /** Everything after the plugin name. */
  readonly pluginArgs: readonly string[];
}

const RUNNER_OPTIONS: readonly OptionSpec[] = [
  { name: "log-level", takesValue: true },
  { name: "log-format", takesValue: true },
  { name: "log-file", takesValue: true },
  { name: "workers", takesValue: true },
  { name: "health", takesValue: true },
  { name: "help", short: "h", takesValue: false },
  { name: "version", takesValue: false },
];

/** The runner's `--help` text. */
export const RUNNER_USAGE = `Usage: torsion [options] PLUGIN [plugin options]

Runs the service a plugin builds until SIGINT or SIGTERM, then stops it gracefully.

Options:
  --log-level LEVEL     debug, info, warn, error or critical (default: info)
  --log-format FORMAT   text or json (default: text)
  --log-file FILE       where to log; - is standard output (default: -)
  --workers N|auto      run N worker processes sharing every listening port
                        (auto: one per CPU); SIGHUP restarts them one by one
  --health DESCRIPTION  answer health checks on this endpoint (e.g. tcp:8081)
  --version             print the version and exit
  -h, --help            print this help (torsion PLUGIN --help for a plugin's)
`;

/**
 * Parses the runner's command line (without `node` and the script).
 * @param cpuCount what `--workers auto` means
 * @throws RunnerUsageError for a bad option or value
 */
export function parseRunnerOptions(argv: readonly string[], cpuCount: number): RunnerOptions {
  const parsed = parseOptions(argv, RUNNER_OPTIONS, { stopAtPositional: true });
  const logLevel = optionValue(parsed, "log-level") ?? "info";
  if (!isLogLevel(logLevel)) throw new RunnerUsageError(`--log-level must be one of debug, info, warn, error, critical (got ${JSON.stringify(logLevel)})`);
  const logFormat = optionValue(parsed, "log-format") ?? "text";
  if (logFormat !== "text" && logFormat !== "json") throw new RunnerUsageError(`--log-format must be text or json (got ${JSON.stringify(logFormat)})`);
  const options: RunnerOptions = {
    logLevel,
    logFormat,
    logFile: optionValue(parsed, "log-file") ?? "-",
    workers: parseWorkers(optionValue(parsed, "workers"), cpuCount),
    health: optionValue(parsed, "health") ?? null,
    help: hasFlag(parsed, "help"),
    version: hasFlag(parsed, "version"),
    plugin: parsed.rest[0] ?? null,
    pluginArgs: parsed.rest.slice(1),
  };
  debug("runner options %o", options);
  return options;
}

/** `--workers`: a whole number from 1 to 1024, or `auto` (the CPU count). */
export function parseWorkers(value: string | undefined, cpuCount: number): number | null {
  if (value === undefined) return null;
  if (value === "auto") return Math.max(1, cpuCount);
  if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > 1024) {
    throw new RunnerUsageError(`--workers must be a whole number from 1 to 1024 or auto (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}
