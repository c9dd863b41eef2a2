import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultResolver } from "@torsion/endpoints";

// No DNS here: getaddrinfo answers IP literals itself, without asking any server.
describe("the default resolver", () => {
  it("answers an IPv4 literal with itself, family 4", async () => {
    assert.deepEqual(await defaultResolver("127.0.0.1", { family: 0 }), [{ address: "127.0.0.1", family: 4 }]);
  });

  it("answers an IPv6 literal with itself, family 6", async () => {
    assert.deepEqual(await defaultResolver("::1", { family: 6 }), [{ address: "::1", family: 6 }]);
  });
});
