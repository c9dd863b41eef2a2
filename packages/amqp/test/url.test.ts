import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AmqpUrlError, parseAmqpUrl } from "@torsion/amqp";

describe("parseAmqpUrl", () => {
  it("reads user, password, host, port, vhost and tuning parameters", () => {
    const u = parseAmqpUrl("amqp://al%40ice:p%3Ass@127.0.0.1:5673/my%2Fvhost?heartbeat=5&frame_max=8192&channel_max=10");
    assert.deepEqual(u, {
      tls: false,
      host: "127.0.0.1",
      port: 5673,
      username: "al@ice",
      password: "p:ss",
      vhost: "my/vhost",
      heartbeat: 5,
      frameMax: 8192,
      channelMax: 10,
      endpoint: "tcp:host=127.0.0.1:port=5673",
    });
  });

  it("defaults to guest/guest, port 5672 and vhost / (an empty path or %2F)", () => {
    for (const url of ["amqp://localhost", "amqp://localhost/", "amqp://localhost/%2F"]) {
      const u = parseAmqpUrl(url);
      assert.deepEqual([u.username, u.password, u.port, u.vhost], ["guest", "guest", 5672, "/"], url);
    }
  });

  it("makes amqps URLs TLS endpoint descriptions on port 5671, with trust roots", () => {
    const u = parseAmqpUrl("amqps://localhost?cacertdir=/tmp/ca");
    assert.equal(u.tls, true);
    assert.equal(u.port, 5671);
    assert.equal(u.endpoint, "tls:localhost:5671:trustRoots=/tmp/ca");
  });

  it("refuses other schemes, unknown parameters and bad numbers", () => {
    assert.throws(() => parseAmqpUrl("http://localhost"), AmqpUrlError);
    assert.throws(() => parseAmqpUrl("amqp://localhost?heartbeat=-1"), AmqpUrlError);
    assert.throws(() => parseAmqpUrl("amqp://localhost?colour=red"), AmqpUrlError);
    assert.throws(() => parseAmqpUrl("not a url"), AmqpUrlError);
  });
});
