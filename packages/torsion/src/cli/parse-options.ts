/**
 * A small GNU-style option parser shared by the runner and its plugins: `--name value`,
 * `--name=value`, `-x value`, boolean flags, repeatable options, `--` ending the options.
 */
import createDebug from "debug";
import { RunnerUsageError } from "../errors.js";

const debug = createDebug("torsion:cli:parse-options");

/** One option a command accepts. */
export interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** A one-letter alias, without `-`. */
  readonly short?: string;
  /** True if the option takes a value; false for a flag. */
  readonly takesValue: boolean;
  /** True if the option may be given more than once (every value is kept). */
  readonly repeatable?: boolean;
}

/** What {@link parseOptions} found. */
export interface ParsedOptions {
  /** Each option given, by long name, with its values in order (a flag has `[""]`). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The positional arguments, in order. */
  readonly positionals: readonly string[];
  /** With `stopAtPositional`: every argument from the first positional on, untouched. */
  readonly rest: readonly string[];
}

/** How {@link parseOptions} treats positionals. */
export interface ParseOptionsSettings {
  /** Stop at the first positional and return it and what follows as `rest` (the runner's plugin name). */
  readonly stopAtPositional?: boolean;
}

/**
 * Parses `args` against `specs`.
 * @throws RunnerUsageError for an unknown option, a missing value, a value given to a
 *   flag, or a non-repeatable option given twice
 */
export function parseOptions(args: readonly string[], specs: readonly OptionSpec[], settings: ParseOptionsSettings = {}): ParsedOptions {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (settings.stopAtPositional === true) return { values, positionals, rest: args.slice(i) };
      positionals.push(arg);
      continue;
    }
    i = takeOption(args, i, specs, values);
  }
  debug("parsed %o", { values: [...values], positionals });
  return { values, positionals, rest: [] };
}

/** Records the option at `args[i]` (and its value); returns the index of the last argument used. */
function takeOption(args: readonly string[], i: number, specs: readonly OptionSpec[], values: Map<string, string[]>): number {
  const arg = args[i]!;
  const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
  const key = eq >= 0 ? arg.slice(2, eq) : arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
  const spec = specs.find((s) => (arg.startsWith("--") ? s.name === key : s.short === key));
  if (spec === undefined) throw new RunnerUsageError(`unknown option ${arg.slice(0, eq >= 0 ? eq : undefined)}`);
  let value = "";
  let last = i;
  if (spec.takesValue) {
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[(last = i + 1)]!;
    else throw new RunnerUsageError(`option --${spec.name} needs a value`);
  } else if (eq >= 0) {
    throw new RunnerUsageError(`option --${spec.name} takes no value`);
  }
  const previous = values.get(spec.name);
  if (previous !== undefined && spec.repeatable !== true) throw new RunnerUsageError(`option --${spec.name} given more than once`);
  values.set(spec.name, [...(previous ?? []), value]);
  return last;
}

/** The single value of option `name`, or `undefined` if absent. */
export function optionValue(parsed: ParsedOptions, name: string): string | undefined {
  return parsed.values.get(name)?.[0];
}

/** True if flag `name` was given. */
export function hasFlag(parsed: ParsedOptions, name: string): boolean {
  return parsed.values.has(name);
}

/** The single value of option `name`, which must be there. @throws RunnerUsageError */
export function requiredValue(parsed: ParsedOptions, name: string, command: string): string {
  const value = optionValue(parsed, name);
  if (value === undefined) throw new RunnerUsageError(`${command}: --${name} is required`);
  return value;
}
