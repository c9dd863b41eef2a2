export * from "./framing/index.js";
export * from "./policies/index.js";
export { ProxyFactory, ProxyServer, ProxyClient, ProxyProtocol } from "./portforward.js";
