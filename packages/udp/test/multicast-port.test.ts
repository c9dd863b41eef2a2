import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { CannotListenError, MulticastJoinError } from "@torsion/core";
import { MulticastPort, listenMulticast } from "@torsion/udp";
import { ipLiteralLookup } from "@torsion/udp/internal";
import { RecordingProtocol, closeRaw, until, within } from "./helpers.js";
import { FakeTransportHost } from "@torsion/testing";

interface TestContext {
  after(fn: () => unknown): void;
  skip(reason?: string): void;
}

const LOOPBACK = "127.0.0.1";
let group = 0;
/** A fresh administratively scoped group per test (239.255.0.0/16 never leaves the site; here it never leaves lo). */
function nextGroup(): string {
  group++;
  return `239.255.${100 + (process.pid % 50)}.${group}`;
}

/**
 * Can this machine deliver multicast over the loopback interface? Probed with raw node:dgram
 * (join on 127.0.0.1, send with IP_MULTICAST_IF 127.0.0.1 and TTL 0, wait up to 1 s).
 * Returns null when it can, or the reason it cannot.
 */
async function probeLoopbackMulticast(): Promise<string | null> {
  const address = "239.255.99.99";
  const receiver = createSocket({ type: "udp4", lookup: ipLiteralLookup });
  const sender = createSocket({ type: "udp4", lookup: ipLiteralLookup });
  try {
    receiver.bind({ port: 0, address, exclusive: true });
    receiver.addMembership(address, LOOPBACK);
    sender.bind({ port: 0, address: LOOPBACK, exclusive: true });
    sender.setMulticastInterface(LOOPBACK);
    sender.setMulticastTTL(0);
    const got = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      receiver.once("message", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    sender.send(Buffer.from("probe"), receiver.address().port, address);
    return (await got) ? null : "a multicast datagram sent over lo was not delivered within 1 s";
  } catch (error) {
    return `multicast on the loopback interface is unavailable: ${(error as Error).message}`;
  } finally {
    closeRaw(receiver);
    closeRaw(sender);
  }
}

/** A multicast port bound to `iface`, stopped when the test ends. */
function open(t: TestContext, protocol: RecordingProtocol, iface: string, listenMultiple = false, port = 0): MulticastPort {
  const multicast = new MulticastPort(new FakeTransportHost(), port, protocol, { interface: iface, listenMultiple });
  multicast.startListening();
  t.after(() => within(multicast.stopListening(), 2000, "stopListening"));
  return multicast;
}

/** A sender whose group datagrams leave by lo only, with TTL 0 (they cannot leave the host). */
async function loopbackSender(t: TestContext): Promise<MulticastPort> {
  const sender = open(t, new RecordingProtocol(), LOOPBACK);
  await within(sender.setOutgoingInterface(LOOPBACK), 1000, "setOutgoingInterface");
  sender.setTTL(0);
  return sender;
}

describe("multicast options", () => {
  it("start at the kernel defaults and remember what is set", async (t) => {
    const port = open(t, new RecordingProtocol(), LOOPBACK);
    assert.equal(port.getTTL(), 1);
    assert.equal(port.getLoopbackMode(), true);
    assert.equal(port.getOutgoingInterface(), "0.0.0.0");
    port.setTTL(0);
    port.setLoopbackMode(false);
    await within(port.setOutgoingInterface(LOOPBACK), 1000, "setOutgoingInterface");
    assert.equal(port.getTTL(), 0);
    assert.equal(port.getLoopbackMode(), false);
    assert.equal(port.getOutgoingInterface(), LOOPBACK);
    assert.throws(() => port.setTTL(256), RangeError);
  });

  it("fail setOutgoingInterface's Deferred for a host name", async (t) => {
    const port = open(t, new RecordingProtocol(), LOOPBACK);
    await assert.rejects(port.setOutgoingInterface("localhost").asPromise(), /IPv4 address/);
    assert.equal(port.getOutgoingInterface(), "0.0.0.0");
  });
});

describe("joinGroup and leaveGroup", () => {
  it("fail with MulticastJoinError carrying the cause", async (t) => {
    const port = open(t, new RecordingProtocol(), LOOPBACK);
    const notMulticast = await port
      .joinGroup(LOOPBACK, LOOPBACK)
      .asPromise()
      .catch((error: unknown) => error);
    assert.ok(notMulticast instanceof MulticastJoinError);
    assert.ok(notMulticast.cause instanceof Error);
    const hostName = await port
      .joinGroup("all-hosts.example", LOOPBACK)
      .asPromise()
      .catch((error: unknown) => error);
    assert.ok(hostName instanceof MulticastJoinError);
    const notJoined = await port
      .leaveGroup("239.255.1.1", LOOPBACK)
      .asPromise()
      .catch((error: unknown) => error);
    assert.ok(notJoined instanceof MulticastJoinError);
    await within(port.stopListening(), 2000, "stop");
    const stopped = await port
      .joinGroup("239.255.1.1", LOOPBACK)
      .asPromise()
      .catch((error: unknown) => error);
    assert.ok(stopped instanceof MulticastJoinError);
  });
});

describe("multicast on the loopback interface", () => {
  let unavailable: string | null = null;
  before(async () => {
    unavailable = await probeLoopbackMulticast(); // each test then skips with this reason
  });

  it("delivers a group datagram to a member that joined on 127.0.0.1", async (t) => {
    if (unavailable !== null) {
      t.skip(unavailable);
      return;
    }
    const address = nextGroup();
    const member = new RecordingProtocol();
    const memberPort = open(t, member, address);
    await within(memberPort.joinGroup(address, LOOPBACK), 1000, "joinGroup");
    const sender = await loopbackSender(t);
    sender.write(Buffer.from("to the group"), [address, memberPort.getHost().port]);
    await until(() => member.datagrams.length === 1, 2000, "the group datagram");
    assert.equal(member.datagrams[0]?.data.toString(), "to the group");
    assert.ok(member.datagrams[0]?.addr.equals(sender.getHost()));
    const again = await memberPort
      .joinGroup(address, LOOPBACK)
      .asPromise()
      .catch((error: unknown) => error);
    assert.ok(again instanceof MulticastJoinError, "joining twice fails");
    await within(memberPort.leaveGroup(address, LOOPBACK), 1000, "leaveGroup");
  });

  it("re-applies TTL, loopback mode and outgoing interface when a stopped port listens again", async (t) => {
    if (unavailable !== null) {
      t.skip(unavailable);
      return;
    }
    const address = nextGroup();
    const member = new RecordingProtocol();
    const memberPort = open(t, member, address);
    await within(memberPort.joinGroup(address, LOOPBACK), 1000, "joinGroup");
    const sender = await loopbackSender(t);
    sender.setLoopbackMode(false);
    await within(sender.stopListening(), 2000, "stop");
    sender.startListening();
    assert.equal(sender.getTTL(), 0);
    assert.equal(sender.getLoopbackMode(), false);
    assert.equal(sender.getOutgoingInterface(), LOOPBACK);
    // The member joined on lo, so the datagram must leave by lo: the re-applied
    // IP_MULTICAST_IF. (IP_MULTICAST_LOOP has no visible effect on lo, whose device delivers
    // what it sends, so loopback mode is only checked through its getter.)
    sender.write(Buffer.from("after restart"), [address, memberPort.getHost().port]);
    await until(() => member.datagrams.length === 1, 2000, "the group datagram");
    assert.equal(member.datagrams[0]?.data.toString(), "after restart");
  });

  it("lets several ports share a port number with listenMultiple, each receiving the group datagram", async (t) => {
    if (unavailable !== null) {
      t.skip(unavailable);
      return;
    }
    const address = nextGroup();
    const first = new RecordingProtocol();
    const second = new RecordingProtocol();
    const firstPort = open(t, first, address, true);
    const shared = firstPort.getHost().port;
    const secondPort = listenMulticast(new FakeTransportHost(), shared, second, { interface: address, listenMultiple: true });
    t.after(() => within(secondPort.stopListening(), 2000, "stop"));
    assert.throws(
      () => listenMulticast(new FakeTransportHost(), shared, new RecordingProtocol(), { interface: address }),
      CannotListenError,
    );
    await within(firstPort.joinGroup(address, LOOPBACK), 1000, "first join");
    await within(secondPort.joinGroup(address, LOOPBACK), 1000, "second join");
    const sender = await loopbackSender(t);
    sender.write(Buffer.from("for both"), [address, shared]);
    await until(() => first.datagrams.length === 1 && second.datagrams.length === 1, 2000, "both members");
    assert.equal(second.datagrams[0]?.data.toString(), "for both");
  });
});
