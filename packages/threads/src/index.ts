export { ThreadPool, type ThreadPoolOptions, type RunOptions, type ThreadPoolStats } from "./thread-pool.js";
export { deferToThread, deferToThreadPool, type IReactorThreads } from "./defer-to-thread.js";
export { defineTask, transfer, type TaskRef, type TaskHandle, type TaskArgsOf, type Transfer } from "./task.js";
export { registerMainThreadFunction, type MainThreadFunction } from "./main-thread-functions.js";
export { callFromThread, blockingCallFromThread, blockingCallFromThreadWith, inPoolWorker, type BlockingCallOptions } from "./in-worker.js";
export { registerErrorClass, serializeError, rebuildError, type SerializedError } from "./remote-error.js";
export { nodeWorkerFactory, WORKER_MAIN, type IPoolWorker, type WorkerFactory, type WorkerOptions } from "./worker-factory.js";
export {
  WorkerCrashed,
  PoolStopped,
  TaskNotFound,
  BlockingCallTimeout,
  WrongThreadError,
  UnknownMainThreadFunction,
  RemoteError,
} from "./errors.js";
export { onWorkerClose } from "./task-resolver.js";
export {
  isRunMessage,
  isPrimitiveMessage,
  type RunMessage,
  type DefineMessage,
  type ToWorkerMessage,
  type CloseMessage,
  type ResultMessage,
  type CompactResultMessage,
  type CompactRunMessage,
  type PrimitiveMessage,
  type ErrorMessage,
  type WorkerMessage,
  type BlockingReply,
} from "./messages.js";
export { ConnectionPool, SQLITE_ADAPTER, type ConnectionPoolOptions } from "./adbapi/connection-pool.js";
export type { IDatabaseAdapter, IDatabaseConnection, ExecuteResult, Transaction } from "./adbapi/adapter.js";
export type { SQLiteOptions } from "./adbapi/sqlite-adapter.js";
