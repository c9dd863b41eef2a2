import createDebug from "debug";

const debug = createDebug("torsion:reactor:signals");

/** The signals on which a running reactor stops. */
export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** One of {@link SHUTDOWN_SIGNALS}. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Process listeners for SIGINT and SIGTERM that call `onSignal`. While installed they
 * replace Node's default action for those signals (exiting at once); once removed, the
 * default applies again (unless other listeners remain).
 */
export class SignalHandlers {
  readonly #onSignal: (signal: ShutdownSignal) => void;
  readonly #listener = (signal: NodeJS.Signals): void => {
    debug("received %s", signal);
    this.#onSignal(signal as ShutdownSignal);
  };
  #installed = false;

  constructor(onSignal: (signal: ShutdownSignal) => void) {
    this.#onSignal = onSignal;
  }

  /** Whether the listeners are installed. */
  get installed(): boolean {
    return this.#installed;
  }

  /** Installs the listeners; does nothing if they already are. */
  install(): void {
    if (this.#installed) return;
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.#listener);
    this.#installed = true;
  }

  /** Removes the listeners; does nothing if they are not installed. */
  remove(): void {
    if (!this.#installed) return;
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.#listener);
    this.#installed = false;
  }
}
