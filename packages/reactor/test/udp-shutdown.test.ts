/**
 * The reactor's UDP wiring with real sockets from @torsion/udp, on 127.0.0.1 port 0:
 * listenUDP binds through the reactor, and stop() closes the port.
 */
import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import { describe, it } from "node:test";
import { DatagramProtocol, IPv4Address, type IAddress } from "@torsion/core";
import { makeReactor, within } from "./support.js";

/** Records the datagrams it receives and its stop. */
class Recorder extends DatagramProtocol {
  readonly received: string[] = [];
  stopped = false;
  #onDatagram: (() => void) | undefined;

  override datagramReceived(datagram: Buffer, address: IAddress): void {
    this.received.push(datagram.toString());
    this.#onDatagram?.();
  }

  override stopProtocol(): void {
    this.stopped = true;
  }

  /** Resolves on the next datagram. */
  nextDatagram(): Promise<void> {
    return new Promise((resolve) => {
      this.#onDatagram = resolve;
    });
  }
}

/** Sends one datagram to 127.0.0.1:`port` from a throwaway socket. */
async function send(port: number, text: string): Promise<void> {
  const socket = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => socket.send(text, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  } finally {
    socket.close();
  }
}

/** Whether a fresh socket can bind 127.0.0.1:`port` (so nobody holds it). */
async function canBind(port: number): Promise<boolean> {
  const socket = dgram.createSocket("udp4");
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => resolve(true));
    });
  } finally {
    socket.close();
  }
}

describe("stop() with a real UDP port", { timeout: 5000 }, () => {
  it("receives through a port bound by listenUDP, and closes the port on stop()", async (t) => {
    const { reactor, reports } = makeReactor(t);
    const protocol = new Recorder();
    const udpPort = reactor.listenUDP(0, protocol, { interface: "127.0.0.1" });
    const address = udpPort.getHost();
    assert.ok(address instanceof IPv4Address);
    assert.equal(await canBind(address.port), false, "the port is held while listening");
    const arrived = protocol.nextDatagram();
    await send(address.port, "hello");
    await within(arrived, 2000, "the datagram");
    assert.deepEqual(protocol.received, ["hello"]);
    const stopped = reactor.run();
    reactor.stop();
    await within(stopped, 2000, "run()");
    assert.equal(protocol.stopped, true);
    assert.equal(await canBind(address.port), true, "the port was released");
    assert.deepEqual(reports, []);
  });
});
