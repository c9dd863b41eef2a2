export { Service, MultiService } from "./service.js";
export { TimerService } from "./timer-service.js";
export { StreamServerEndpointService, type StreamServerEndpointServiceOptions } from "./stream-server-endpoint-service.js";
export { ClientService, type ClientServiceOptions, type WhenConnectedOptions } from "./client-service.js";
export { backoffPolicy, type BackoffPolicyOptions, type RetryPolicy } from "./backoff-policy.js";
export { react, type ReactMain } from "./react.js";
export type { ListeningEndpoint, ConnectingEndpoint } from "./endpoint-types.js";
export { DuplicateServiceNameError, ExitError, NoSuchServiceError, ServiceHasParentError } from "./errors.js";
