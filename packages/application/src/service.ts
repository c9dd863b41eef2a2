import { DeferredList, maybeDeferred, type Deferred } from "@torsion/defer";
import type { IService, IServiceCollection } from "@torsion/core";
import { DuplicateServiceNameError, NoSuchServiceError, ServiceHasParentError } from "./errors.js";

/**
 * The base service (Twisted's `Service`): a name, a parent and a `running` flag. Subclass
 * it and override `startService`/`stopService`, calling `super` (which sets and clears
 * `running`).
 */
export class Service implements IService {
  #name: string | null = null;
  #parent: IServiceCollection | null = null;
  #running = false;

  get name(): string | null {
    return this.#name;
  }

  get parent(): IServiceCollection | null {
    return this.#parent;
  }

  get running(): boolean {
    return this.#running;
  }

  /** @throws ServiceHasParentError when the service has a parent */
  setName(name: string): void {
    if (this.#parent !== null) throw new ServiceHasParentError();
    this.#name = name;
  }

  /** Leaves the old parent, then joins `parent` (which starts it if running). */
  setServiceParent(parent: IServiceCollection): void {
    if (this.#parent !== null) this.disownServiceParent();
    this.#parent = parent;
    try {
      void parent.addService(this);
    } catch (error) {
      this.#parent = null;
      throw error;
    }
  }

  disownServiceParent(): void | Deferred<unknown> {
    const parent = this.#parent;
    if (parent === null) return undefined;
    this.#parent = null;
    return parent.removeService(this);
  }

  privilegedStartService(): void | Deferred<unknown> {
    return undefined;
  }

  startService(): void | Deferred<unknown> {
    this.#running = true;
    return undefined;
  }

  stopService(): void | Deferred<unknown> {
    this.#running = false;
    return undefined;
  }
}

/** Calls `fn` and turns its result (or exception) into a Deferred of nothing. */
function settle(fn: () => void | Deferred<unknown>): Deferred<unknown> {
  return maybeDeferred(fn);
}

/** Fires with `undefined` when every Deferred succeeds, or fails with the first failure (all are waited for). */
function allOf(deferreds: Deferred<unknown>[]): Deferred<void> {
  return new DeferredList(deferreds, { consumeErrors: true }).addCallback((results) => {
    for (const [ok, value] of results) if (!ok) value.raiseException();
    return undefined;
  });
}

/**
 * A service made of services (Twisted's `MultiService`). Add children with
 * `child.setServiceParent(multi)` (which sets `child.parent`; `addService` alone does not,
 * as in Twisted). Starting starts the children in the order they were added; stopping stops them in reverse order, all at once, and waits
 * for all of them.
 *
 * Torsion differences, for loud failures: `startService` returns a Deferred that fails if
 * any child's start-up fails (Twisted ignores what `startService` returns), and
 * `stopService`'s Deferred fails with the first child's stop failure after every child
 * has been waited for (Twisted's `DeferredList` succeeds with the failures inside).
 */
export class MultiService extends Service implements IServiceCollection {
  readonly #services: IService[] = [];
  readonly #named = new Map<string, IService>();

  *[Symbol.iterator](): Iterator<IService> {
    yield* [...this.#services];
  }

  getServiceNamed(name: string): IService {
    const service = this.#named.get(name);
    if (service === undefined) throw new NoSuchServiceError(name);
    return service;
  }

  override privilegedStartService(): Deferred<unknown> {
    return allOf(this.#services.map((service) => settle(() => service.privilegedStartService())));
  }

  override startService(): Deferred<unknown> {
    super.startService();
    return allOf(this.#services.map((service) => settle(() => service.startService())));
  }

  override stopService(): Deferred<unknown> {
    super.stopService();
    return allOf([...this.#services].reverse().map((service) => settle(() => service.stopService())));
  }

  /**
   * Adds a child. If this service is running the child is started at once
   * (`privilegedStartService` then `startService`), and the returned Deferred is the
   * start's result.
   * @throws DuplicateServiceNameError when another child has the same name
   */
  addService(service: IService): void | Deferred<unknown> {
    const name = service.name;
    if (name !== null) {
      if (this.#named.has(name)) throw new DuplicateServiceNameError(name);
      this.#named.set(name, service);
    }
    this.#services.push(service);
    if (!this.running) return undefined;
    return settle(() => service.privilegedStartService()).addCallback(() => settle(() => service.startService()));
  }

  /** Removes a child; if running, returns the child's `stopService()` result. */
  removeService(service: IService): void | Deferred<unknown> {
    const index = this.#services.indexOf(service);
    if (index === -1) return undefined;
    this.#services.splice(index, 1);
    if (service.name !== null) this.#named.delete(service.name);
    if (this.running) return service.stopService();
    return undefined;
  }
}
