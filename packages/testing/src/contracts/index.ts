/**
 * `@torsion/testing/contracts`: contract suites to run over any implementation of a
 * Torsion contract, real or fake, inside a `node:test` file. This entry point loads
 * `node:test`; the main `@torsion/testing` entry point does not.
 */
export { describeReactor, type ReactorHarness, type MakeReactorHarness, type ReactorContractOptions } from "./reactor-contract.js";
