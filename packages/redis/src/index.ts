/** @packageDocumentation Redis client (RESP2/RESP3) for Torsion. */
export const PACKAGE_NAME = "@torsion/redis";
