/**
 * Compile-time checks of Command.define's inferred types: every `@ts-expect-error` line below
 * must be a type error, or `tsc -b` (and so `npm test`) fails. The runtime part only checks
 * that the well-typed calls work.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { AMP, BigInteger, Command, Integer, Unicode, ListOf, type OutputOf } from "@torsion/amp";
import { connectedServerAndClient } from "@torsion/testing";

class ZeroDivision extends Error {}

const Sum = Command.define({
  commandName: "Sum",
  arguments: { a: Integer(), b: Integer() },
  response: { total: Integer() },
  errors: { ZERO_DIVISION: ZeroDivision },
});

const Greet = Command.define({
  commandName: "Greet",
  arguments: { name: Unicode(), title: Unicode({ optional: true }) },
  response: { text: Unicode(), tags: ListOf(Unicode()), big: BigInteger({ optional: true }) },
});

const Notify = Command.define({ commandName: "Notify", arguments: { text: Unicode() }, requiresAnswer: false });

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sumResponse: Exact<OutputOf<typeof Sum.response>, { total: number }> = true;
const greetResponse: Exact<OutputOf<typeof Greet.response>, { text: string; tags: string[]; big: bigint | null }> = true;

/** Compile-time checks only: never called, each line must fail to type-check. */
function _misuse(amp: AMP): void {
  // @ts-expect-error b is missing
  void amp.callRemote(Sum, { a: 1 });
  // @ts-expect-error a must be a number or bigint
  void amp.callRemote(Sum, { a: "1", b: 2 });
  // @ts-expect-error c is not an argument of Sum
  void amp.callRemote(Sum, { a: 1, b: 2, c: 3 });
  // @ts-expect-error the response has no field "sum"
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- the line is a deliberate type error
  void amp.callRemote(Sum, { a: 1, b: 2 }).addCallback((r) => r.sum);
  // @ts-expect-error a no-answer command returns nothing to wait on
  // eslint-disable-next-line @typescript-eslint/no-unsafe-call -- the line is a deliberate type error
  void amp.callRemote(Notify, { text: "x" }).addCallback(() => 1);
  // @ts-expect-error a responder must return the response fields
  amp.responder(Sum, ({ a, b }) => ({ sum: a + b }));
  // @ts-expect-error responder arguments are decoded numbers, not strings
  amp.responder(Sum, ({ a }: { a: string; b: number }) => ({ total: 1 }));
}

describe("Command.define infers the types of callRemote and responders", () => {
  it("resolves callRemote(Sum, {a: 1, b: 2}) to {total: number} and optional fields to null", async () => {
    assert.ok(sumResponse && greetResponse);
    const { client, server, pump } = connectedServerAndClient({ buildProtocol: () => new AMP() }, { buildProtocol: () => new AMP() });
    server.responder(Sum, ({ a, b }) => ({ total: a + b }));
    server.responder(Greet, ({ name, title }) => ({ text: `${title ?? "dear"} ${name}`, tags: [name] }));
    const sum = client.callRemote(Sum, { a: 1, b: 2 });
    const greet = client.callRemote(Greet, { name: "Ada" });
    pump.flush();
    const { total } = await sum;
    const total2: number = total;
    assert.equal(total2, 3);
    assert.deepEqual(await greet, { text: "dear Ada", tags: ["Ada"], big: null });
  });
});
