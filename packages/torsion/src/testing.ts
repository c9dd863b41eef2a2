/** The testing kit: in-memory transports, a fake clock, a memory reactor and Deferred assertions. */
export * from "@torsion/testing";
