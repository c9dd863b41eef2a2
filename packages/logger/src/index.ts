export { LogLevel, LOG_LEVELS, isLogLevel, parseLogLevel, compareLogLevels } from "./log-level.js";
export type { LogEvent, LogObserver } from "./log-event.js";
export { formatEvent, formatEventAsText, formatTime } from "./format-event.js";
export { eventAsJSON, eventFromJSON } from "./event-json.js";
export { LogPublisher, globalLogPublisher } from "./log-publisher.js";
export { Logger, type LoggerOptions } from "./logger.js";
export {
  textFileObserver,
  jsonFileObserver,
  filteringObserver,
  FileLogOutput,
  BufferingObserver,
  type LogOutput,
  type LogFilter,
} from "./observers.js";
export { captureErrorReporter, captureDebug, type Restore } from "./capture.js";
export { InvalidLogLevelError } from "./errors.js";
