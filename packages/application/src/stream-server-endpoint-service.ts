import type { IListeningPort, IProtocolFactory } from "@torsion/core";
import { CancelledError, Deferred, succeed, type Failure } from "@torsion/defer";
import { Logger } from "@torsion/logger";
import type { ListeningEndpoint } from "./endpoint-types.js";
import { Service } from "./service.js";

const log = new Logger({ namespace: "torsion.application.server" });

/** One listen attempt: its Deferred (which fires with null) and what it came to. */
interface Attempt {
  readonly done: Deferred<null>;
  port: IListeningPort | null;
  failure: Failure | null;
}

/** Options of {@link StreamServerEndpointService}. */
export interface StreamServerEndpointServiceOptions {
  /**
   * How logs name the endpoint, e.g. the description it was built from (`tcp:8080`).
   * @default the endpoint's own `toString()` if it has one, else its class name
   */
  readonly description?: string;
}

/** A readable name for `endpoint`: its own `toString()` when it defines one, else its class name. */
export function describeEndpoint(endpoint: object): string {
  const own = (endpoint as { toString?: unknown }).toString;
  if (typeof own === "function" && own !== Object.prototype.toString) {
    const text: unknown = own.call(endpoint);
    if (typeof text === "string") return text;
  }
  return endpoint.constructor.name === "Object" || endpoint.constructor.name === "" ? "an endpoint" : endpoint.constructor.name;
}

/**
 * Listens on `endpoint` with `factory` while running (Twisted's
 * `StreamServerEndpointService`). Listening starts in `privilegedStartService`.
 *
 * **Loud failures (a deviation).** Twisted only logs a listen failure by default, leaving a
 * "running" server that serves nothing. Here the Deferred returned by
 * `privilegedStartService` and `startService` fails with the listen error (so a parent
 * `MultiService` and the runner fail start-up), and the error is logged at `critical`.
 * `stopService` stops listening (existing connections are not closed) and fires when the
 * port has stopped.
 */
export class StreamServerEndpointService extends Service {
  readonly endpoint: ListeningEndpoint;
  readonly factory: IProtocolFactory;
  /** How logs name the endpoint (see {@link StreamServerEndpointServiceOptions.description}). */
  readonly description: string;
  #attempt: Attempt | null = null;

  constructor(endpoint: ListeningEndpoint, factory: IProtocolFactory, options: StreamServerEndpointServiceOptions = {}) {
    super();
    this.endpoint = endpoint;
    this.factory = factory;
    this.description = options.description ?? describeEndpoint(endpoint);
  }

  /** The listening port, once listening. */
  get port(): IListeningPort | null {
    return this.#attempt?.port ?? null;
  }

  override privilegedStartService(): Deferred<unknown> {
    const attempt = (this.#attempt ??= this.#listen());
    return outcomeOf(attempt);
  }

  override startService(): Deferred<unknown> {
    super.startService();
    return this.privilegedStartService();
  }

  override stopService(): Deferred<unknown> {
    super.stopService();
    const attempt = this.#attempt;
    this.#attempt = null;
    if (attempt === null) return succeed(null);
    attempt.done.cancel();
    return attempt.done.addCallback(() => (attempt.port === null ? null : attempt.port.stopListening()));
  }

  #listen(): Attempt {
    const listening = this.endpoint.listen(this.factory);
    const attempt: Attempt = { done: new Deferred<null>(() => listening.cancel()), port: null, failure: null };
    listening.addCallbacks(
      (port) => {
        attempt.port = port;
        attempt.done.callback(null);
        return null;
      },
      (failure) => {
        attempt.failure = failure;
        if (failure.check(CancelledError) === null)
          log.failure("could not listen on {endpoint}: {reason}", failure, {
            endpoint: this.description,
            reason: failure.getErrorMessage(),
          });
        if (!attempt.done.called) attempt.done.callback(null);
        return null;
      },
    );
    return attempt;
  }
}

/** A new Deferred firing with the attempt's port or failing with its failure. */
function outcomeOf(attempt: Attempt): Deferred<unknown> {
  const result = new Deferred<unknown>();
  attempt.done.addCallback(() => {
    if (attempt.failure !== null) result.errback(attempt.failure);
    else result.callback(attempt.port);
    return null;
  });
  return result;
}
