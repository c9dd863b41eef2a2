/**
 * `--workers N` over `node:cluster`: the primary process holds every listening port
 * (Node's cluster module creates the listening sockets in the primary and hands
 * connections to workers, round-robin on Linux), and the workers run the service.
 */
import cluster, { type Worker } from "node:cluster";
import createDebug from "debug";
import type { IReactorCore, IReactorTime } from "@torsion/core";
import type { Logger } from "@torsion/logger";
import { ExitStatus } from "./exit-status.js";
import { WorkerSupervisor, type WorkerHandle } from "./worker-supervisor.js";

const debug = createDebug("torsion:cli:cluster-primary");

/** The message a worker sends once its service has started. */
export const READY_MESSAGE = "torsion:worker-ready";

/** A `cluster.Worker` as a {@link WorkerHandle}. */
export function clusterWorkerHandle(worker: Worker): WorkerHandle {
  return {
    pid: worker.process.pid,
    kill: (signal) => {
      if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill(signal);
    },
    on(event: "ready" | "exit", listener: (...args: never[]) => void): void {
      if (event === "ready") worker.on("message", (message: unknown) => message === READY_MESSAGE && (listener as () => void)());
      else worker.on("exit", listener as (code: number | null, signal: NodeJS.Signals | null) => void);
    },
  };
}

/** What {@link runPrimary} needs. */
export interface PrimaryOptions {
  readonly reactor: IReactorCore & IReactorTime;
  readonly count: number;
  readonly log: Logger;
}

/**
 * Forks the workers and supervises them until SIGINT/SIGTERM (stop all gracefully) with
 * SIGHUP rolling them one by one; resolves with the exit status.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { reactor, log } = options;
  let status: number = ExitStatus.EX_OK;
  const supervisor = new WorkerSupervisor({
    count: options.count,
    fork: () => clusterWorkerHandle(cluster.fork()),
    clock: reactor,
    log,
    onFatal: (code) => {
      status = code;
      if (reactor.running) reactor.stop();
    },
  });
  const reload = (): void => void supervisor.roll();
  process.on("SIGHUP", reload);
  reactor.addSystemEventTrigger("before", "shutdown", () => supervisor.stop());
  reactor.callWhenRunning(() => {
    log.info("primary {pid} starting {count} workers", { pid: process.pid, count: options.count });
    supervisor.start();
  });
  await reactor.run();
  process.removeListener("SIGHUP", reload);
  debug("primary done, status %d", status);
  return status;
}
