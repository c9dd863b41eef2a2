import type { IDelayedCall, IReactorTime } from "@torsion/core";

/**
 * Heartbeats on the injected clock: every `interval` seconds it sends a heartbeat if
 * nothing was sent since the last tick, and declares the peer dead after two ticks in a
 * row with nothing received (so after 2 to 3 intervals of silence). Any frame counts as
 * traffic. @internal
 */
export class Heartbeat {
  readonly #clock: IReactorTime;
  readonly #interval: number;
  readonly #sendHeartbeat: () => void;
  readonly #dead: () => void;
  #call: IDelayedCall | null = null;
  #silentTicks = 0;
  /** Set by the connection whenever it sends. */
  sent = false;
  /** Set by the connection whenever bytes arrive. */
  received = false;

  constructor(clock: IReactorTime, interval: number, sendHeartbeat: () => void, dead: () => void) {
    this.#clock = clock;
    this.#interval = interval;
    this.#sendHeartbeat = sendHeartbeat;
    this.#dead = dead;
  }

  start(): void {
    this.#call = this.#clock.callLater(this.#interval, () => this.#tick());
  }

  stop(): void {
    if (this.#call?.active() === true) this.#call.cancel();
    this.#call = null;
  }

  #tick(): void {
    this.#call = null;
    if (this.received) this.#silentTicks = 0;
    else this.#silentTicks += 1;
    this.received = false;
    if (this.#silentTicks >= 2) {
      this.#dead();
      return;
    }
    if (!this.sent) this.#sendHeartbeat();
    this.sent = false;
    this.start();
  }
}
