import type { AmqpReactor } from "@torsion/amqp";

// The broker every RabbitMQ example talks to: $AMQP_URL, or a local RabbitMQ as guest.
export const brokerUrl: string = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672/";

/**
 * What the consumers' `makeService(options)` takes: the runner (`torsion serve MODULE
 * [ARGS...]`) passes `{ reactor, listen, args, log }`; only `reactor` and `args` are used.
 */
export interface ServiceOptions {
  readonly reactor?: AmqpReactor;
  readonly args?: readonly string[];
  readonly url?: string;
}

/** True when this module is the script node was started with (not imported by a runner). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && moduleUrl === new URL(`file://${script}`).href;
}
