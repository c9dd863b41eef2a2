/**
 * A DatagramProtocol callback that fails (throws, or returns a promise/Deferred that
 * fails) with any value at all is reported once and the port keeps serving, over real
 * loopback UDP sockets.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatagramProtocol, type CallbackResult, type IAddress } from "@torsion/core";
import { Failure } from "@torsion/defer";
import { listenUDP, type UDPPort } from "@torsion/udp";
import { FAILURE_MODES, hostileValues, thrownOf } from "../../stream/dist-test/hostile-values.js";
import { FakeTransportHost as RecordingHost } from "@torsion/testing";
import { closeRaw, rawSocket, unusedPort, until, within } from "./helpers.js";

class Failing extends DatagramProtocol {
  readonly received: string[] = [];
  refusals = 0;
  constructor(
    private readonly where: "datagramReceived" | "startProtocol" | "stopProtocol" | "connectionRefused",
    private readonly fail: () => CallbackResult,
  ) {
    super();
  }
  override startProtocol(): CallbackResult {
    return this.where === "startProtocol" ? this.fail() : undefined;
  }
  override stopProtocol(): CallbackResult {
    return this.where === "stopProtocol" ? this.fail() : undefined;
  }
  override datagramReceived(data: Buffer, addr: IAddress): CallbackResult {
    this.received.push(data.toString());
    return this.where === "datagramReceived" && data.toString() === "bad" ? this.fail() : undefined;
  }
  override connectionRefused(): CallbackResult {
    this.refusals++;
    return this.where === "connectionRefused" ? this.fail() : undefined;
  }
}

const sameValue = (reported: unknown, value: unknown) => thrownOf(Failure.from(reported).value) === thrownOf(Failure.from(value).value);

describe("UDP callback failures", () => {
  for (const mode of FAILURE_MODES) {
    it(`a datagramReceived that ${mode.name} is reported once per datagram and the port keeps serving, for every hostile value`, async () => {
      const values = hostileValues();
      let current: unknown;
      const host = new RecordingHost();
      const protocol = new Failing("datagramReceived", () => mode.run(current));
      const port = listenUDP(host, 0, protocol, { interface: "127.0.0.1" }) as UDPPort;
      const raw = await rawSocket("udp4");
      try {
        for (const [i, { name, value }] of values.entries()) {
          current = value;
          raw.send(Buffer.from("bad"), port.getHost().port, "127.0.0.1");
          await until(() => host.errors.length === i + 1, 2000, `the report for ${name}`);
          assert.ok(sameValue(host.errors[i]?.error, value), name);
          raw.send(Buffer.from(`good ${i}`), port.getHost().port, "127.0.0.1");
          await until(() => protocol.received.includes(`good ${i}`), 2000, `a datagram after ${name}`);
        }
        assert.equal(host.errors.length, values.length);
        assert.equal(port.state, "listening");
      } finally {
        closeRaw(raw);
        await within(port.stopListening(), 2000, "stop");
      }
    });

    it(`a startProtocol, stopProtocol or connectionRefused that ${mode.name} is reported once, for every hostile value`, async () => {
      for (const { name, value } of hostileValues()) {
        for (const where of ["startProtocol", "stopProtocol", "connectionRefused"] as const) {
          const host = new RecordingHost();
          const protocol = new Failing(where, () => mode.run(value));
          const port = listenUDP(host, 0, protocol, { interface: "127.0.0.1" }) as UDPPort;
          assert.equal(port.state, "listening");
          if (where === "connectionRefused") {
            port.connect("127.0.0.1", await unusedPort("udp4"));
            port.write(Buffer.from("anyone?"));
            await until(() => protocol.refusals === 1, 2000, "ICMP port unreachable");
          }
          await within(port.stopListening(), 2000, "stop");
          await until(() => host.errors.length === 1, 2000, `the report of ${where} for ${name}`);
          assert.ok(sameValue(host.errors[0]?.error, value), `${where}: ${name}`);
          assert.equal(host.errors[0]?.context, where);
        }
      }
    });
  }
});

describe("UDPPort.disconnecting", () => {
  it("is false while listening and true from stopListening (or loseConnection) on, until it listens again", async () => {
    const host = new RecordingHost();
    const protocol = new Failing("datagramReceived", () => undefined);
    const port = listenUDP(host, 0, protocol, { interface: "127.0.0.1" }) as UDPPort;
    assert.equal(port.disconnecting, false);
    const stopped = port.loseConnection();
    assert.equal(port.disconnecting, true, "true at once, while closing");
    await within(stopped, 2000, "stop");
    assert.equal(port.disconnecting, true, "and once stopped");
    port.startListening();
    assert.equal(port.disconnecting, false, "false again once listening");
    await within(port.stopListening(), 2000, "stop");
  });
});
