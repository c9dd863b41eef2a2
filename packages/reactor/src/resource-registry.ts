import createDebug from "debug";
import type { IShutdownResource, ResourceKind } from "@torsion/core";
import { ShutdownTimeoutError } from "./errors.js";

const debug = createDebug("torsion:reactor:resources");

/** Default extra seconds `stop()` waits beyond the grace period before giving up on a resource. */
export const SHUTDOWN_MARGIN_SECONDS = 1;

type ClosingPhase = "idle" | "port" | "connection";

/** Waits until every promise settled or `seconds` passed; resolves with how many are still pending. */
async function settleWithin(promises: readonly Promise<void>[], seconds: number): Promise<number> {
  if (promises.length === 0) return 0;
  let settled = 0;
  const all = Promise.all(
    promises.map((promise) =>
      promise.then(() => {
        settled += 1;
      }),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.ceil(seconds * 1000));
  });
  try {
    await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
  return promises.length - settled;
}

/**
 * What the reactor must close when it stops: listening ports and connections registered by
 * the transports (`ITransportHost.registerResource`).
 *
 * `closeAll` shuts down every port first and waits for them, then every connection, and
 * waits for those; each wait is bounded by a limit given to `closeAll`. A resource
 * registered while its kind (or a later kind) is being closed is shut down at once, without being waited for.
 */
export class ResourceRegistry {
  readonly #resources = new Set<{ readonly resource: IShutdownResource }>();
  readonly #report: (error: unknown, context: string) => void;
  #closing: ClosingPhase = "idle";
  #graceSeconds = 0;
  #limitSeconds = 0;

  /** @param report - receives errors from `shutdown` and timeouts; must not throw */
  constructor(report: (error: unknown, context: string) => void) {
    this.#report = report;
  }

  /** How many resources are registered. */
  get size(): number {
    return this.#resources.size;
  }

  /**
   * Registers `resource`; returns an idempotent function that unregisters it. Registering
   * the same object twice registers it twice (each function removes its own entry).
   */
  register(resource: IShutdownResource): () => void {
    if (this.#closing === "connection" || (this.#closing === "port" && resource.kind === "port")) {
      debug("%s registered while closing: shutting it down at once", resource.kind);
      void this.#shutdownOne(resource);
      return () => undefined;
    }
    const entry = { resource };
    this.#resources.add(entry);
    return () => {
      this.#resources.delete(entry);
    };
  }

  /**
   * Shuts down every port, then every connection, passing `graceSeconds` to each, and waits
   * at most `limitSeconds` for each of the two steps. Resolves once all settled or it gave
   * up (reported as {@link ShutdownTimeoutError}); never rejects. Closed resources are
   * unregistered.
   */
  async closeAll(graceSeconds: number, limitSeconds: number): Promise<void> {
    this.#graceSeconds = graceSeconds;
    this.#limitSeconds = limitSeconds;
    try {
      await this.#closeKind("port");
      await this.#closeKind("connection");
    } finally {
      this.#closing = "idle";
    }
  }

  async #closeKind(kind: ResourceKind): Promise<void> {
    this.#closing = kind;
    const entries = [...this.#resources].filter((entry) => entry.resource.kind === kind);
    for (const entry of entries) this.#resources.delete(entry);
    debug("closing %d %s(s)", entries.length, kind);
    const limit = this.#limitSeconds;
    const unsettled = await settleWithin(
      entries.map((entry) => this.#shutdownOne(entry.resource)),
      limit,
    );
    if (unsettled > 0) {
      this.#report(
        new ShutdownTimeoutError(`${unsettled} ${kind}(s) did not close within ${limit} seconds of stop()`),
        `error stopping the reactor`,
      );
    }
  }

  /** Calls `resource.shutdown`; the promise settles when it does and never rejects. */
  #shutdownOne(resource: IShutdownResource): Promise<void> {
    const context = `error shutting down a ${resource.kind}`;
    try {
      return Promise.resolve(resource.shutdown(this.#graceSeconds)).then(
        () => undefined,
        (error: unknown) => {
          this.#report(error, context);
        },
      );
    } catch (error) {
      this.#report(error, context);
      return Promise.resolve();
    }
  }
}
