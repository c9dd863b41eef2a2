import type { IPv4Address } from "@torsion/core";
import { connectTCP, listenTCP } from "@torsion/tcp";
import { describeCallbackFailures } from "./callback-failures.js";

for (const fastPath of [true, false]) {
  describeCallbackFailures(`TCP (${fastPath ? "onread fast path" : "'data' events"})`, {
    listen: (host, factory) => listenTCP(host, 0, factory, { interface: "127.0.0.1", fastPath }),
    connect: (host, port, factory) => connectTCP(host, "127.0.0.1", (port.getHost() as IPv4Address).port, factory, { fastPath }),
  });
}
