export * from "./framing/index.js";
export * from "./policies/index.js";
