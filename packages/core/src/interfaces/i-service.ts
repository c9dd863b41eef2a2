import type { Deferred } from "@torsion/defer";

/**
 * A long-running part of an application that can be started and stopped (Twisted's
 * `twisted.application.service.IService`). Services form a tree of
 * {@link IServiceCollection}s; the runner starts the root and stops it at shutdown.
 *
 * Order of calls: `privilegedStartService()` (once, before privileges would be dropped:
 * bind ports here), then `startService()`, later `stopService()`; a service may be started
 * again after it has stopped. `running` is true from `startService` until `stopService`.
 */
export interface IService {
  /** The name, unique among its parent's children, or `null`. */
  readonly name: string | null;
  /** The collection this service belongs to, or `null`. */
  readonly parent: IServiceCollection | null;
  /** True between `startService` and `stopService`. */
  readonly running: boolean;
  /** Renames the service. Throws if it has a parent. */
  setName(name: string): void;
  /** Moves the service into `parent` (leaving its old parent first); starts it if `parent` is running. */
  setServiceParent(parent: IServiceCollection): void;
  /** Leaves the parent; returns what the parent's `removeService` returns. */
  disownServiceParent(): void | Deferred<unknown>;
  /** Called once before `startService`, e.g. to bind ports. */
  privilegedStartService(): void | Deferred<unknown>;
  /**
   * Starts the service. Torsion addition: it may return a Deferred, which fails when
   * start-up fails (e.g. a port cannot be bound), so a failure is never only logged.
   */
  startService(): void | Deferred<unknown>;
  /** Stops the service; a returned Deferred fires when it has fully stopped. */
  stopService(): void | Deferred<unknown>;
}

/** A service holding other services (Twisted's `IServiceCollection`). */
export interface IServiceCollection extends Iterable<IService> {
  /** The child called `name`. @throws NoSuchServiceError */
  getServiceNamed(name: string): IService;
  /** Adds `service` (started at once if this collection is running). @throws DuplicateServiceNameError */
  addService(service: IService): void | Deferred<unknown>;
  /** Removes `service`, stopping it first if this collection is running. */
  removeService(service: IService): void | Deferred<unknown>;
}
