/**
 * The `torsion` command: `torsion [runner options] PLUGIN [plugin options]` (Twisted's
 * `twist`). {@link runCli} is the whole program with its surroundings passed in; the bin
 * script calls it with the real ones.
 */
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import createDebug from "debug";
import type { IService } from "@torsion/core";
import { MultiService } from "@torsion/application";
import { Logger } from "@torsion/logger";
import { NodeReactor } from "@torsion/reactor";
import { READY_MESSAGE, runPrimary } from "./cluster-primary.js";
import { ExitStatus, exitStatusFor } from "./exit-status.js";
import { healthService } from "./health-service.js";
import { setUpLogging } from "./logging-setup.js";
import type { PluginReactor, RunnerPlugin } from "./plugin.js";
import { lookUpPlugin, pluginList, type LookupOptions } from "./plugin-lookup.js";
import { parseRunnerOptions, RUNNER_USAGE, type RunnerOptions } from "./runner-options.js";
import { runService } from "./run-service.js";
import { checkWorkersCanShare } from "./worker-limits.js";

const debug = createDebug("torsion:cli:main");

/** The surroundings of one run of the command. */
export interface CliEnvironment {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cpuCount: number;
  readonly reactor: NodeReactor;
  /** `primary`: fork workers when asked; `worker`: run the service and report ready. @default from node:cluster */
  readonly role?: "primary" | "worker";
  readonly lookup?: Omit<LookupOptions, "cwd">;
}

/** Runs the command; resolves with the exit status (it never calls `process.exit`). */
export async function runCli(env: CliEnvironment): Promise<number> {
  let options: RunnerOptions;
  let plugin: RunnerPlugin | null = null;
  try {
    options = parseRunnerOptions(env.argv, env.cpuCount);
    const early = answerWithoutRunning(options, env);
    if (early !== null) return early;
    plugin = await lookUpPlugin(options.plugin ?? "", { cwd: env.cwd, ...env.lookup });
    if (wantsHelp(options.pluginArgs)) {
      env.stdout.write(plugin.usage);
      return ExitStatus.EX_OK;
    }
    return await runPlugin(plugin, options, env);
  } catch (error) {
    return reportFailure(error, plugin, env);
  }
}

/** `--version`, `--help` and a missing plugin are answered at once. */
function answerWithoutRunning(options: RunnerOptions, env: CliEnvironment): number | null {
  if (options.version) {
    env.stdout.write(`torsion ${packageVersion()}\n`);
    return ExitStatus.EX_OK;
  }
  if (options.help || options.plugin === null) {
    (options.help ? env.stdout : env.stderr).write(`${RUNNER_USAGE}\n${pluginList()}`);
    return options.help ? ExitStatus.EX_OK : ExitStatus.EX_USAGE;
  }
  return null;
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

function reportFailure(error: unknown, plugin: RunnerPlugin | null, env: CliEnvironment): number {
  const status = exitStatusFor(error);
  const message = error instanceof Error ? error.message : String(error);
  env.stderr.write(`torsion: ${message}\n`);
  if (error instanceof Error && error.cause instanceof Error && !message.includes(error.cause.message))
    env.stderr.write(`  caused by: ${error.cause.message}\n`);
  if (status === ExitStatus.EX_USAGE) env.stderr.write(plugin === null ? "Try torsion --help\n" : `Try torsion ${plugin.name} --help\n`);
  if (status === ExitStatus.EX_SOFTWARE && error instanceof Error && error.stack !== undefined) env.stderr.write(`${error.stack}\n`);
  debug("failed with status %d: %O", status, error);
  return status;
}

async function runPlugin(plugin: RunnerPlugin, options: RunnerOptions, env: CliEnvironment): Promise<number> {
  const role = env.role ?? (cluster.isWorker ? "worker" : "primary");
  const undoLogging = setUpLogging({ level: options.logLevel, format: options.logFormat, file: options.logFile, stdout: env.stdout });
  try {
    const log = new Logger({ namespace: `torsion.runner.${plugin.name}` });
    const service = await buildService(plugin, options, env, log);
    if (options.workers !== null && role === "primary") {
      checkWorkersCanShare(service);
      return await runPrimary({ reactor: env.reactor, count: options.workers, log: new Logger({ namespace: "torsion.runner.primary" }) });
    }
    const send = process.send?.bind(process);
    const onStarted = role === "worker" && send !== undefined ? () => void send(READY_MESSAGE) : undefined;
    const status = await runService({ reactor: env.reactor, service, log, ...(onStarted === undefined ? {} : { onStarted }) });
    // A worker's IPC channel to the primary would keep it alive after the reactor stopped.
    // cluster's own disconnect marks the exit as intended (a bare process.disconnect()
    // makes cluster call process.exit(0), losing the exit status).
    if (role === "worker" && cluster.worker !== undefined && process.connected) cluster.worker.disconnect();
    return status;
  } finally {
    undoLogging();
  }
}

/**
 * The plugin's service, plus the health check if asked for. A primary builds it too
 * (without starting it), so a bad module or description fails before any worker is forked.
 */
async function buildService(plugin: RunnerPlugin, options: RunnerOptions, env: CliEnvironment, log: Logger): Promise<IService> {
  const reactor: PluginReactor = env.reactor;
  const service = await plugin.makeService(options.pluginArgs, { reactor, cwd: env.cwd, log });
  if (options.health === null) return service;
  const root = new MultiService();
  service.setServiceParent(root);
  healthService(reactor, options.health, new Logger({ namespace: "torsion.runner.health" })).setServiceParent(root);
  return root;
}

/** The `torsion` package's version. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}
