import {
  ConnectionDone,
  ConnectionLost,
  Factory,
  IPv4Address,
  Protocol,
  type IListeningPort,
  type IProtocol,
  type IProtocolFactory,
} from "@torsion/core";
import { CancelledError, Deferred, Failure, succeed } from "@torsion/defer";
import { StringTransport } from "@torsion/testing";

/** A client endpoint whose attempts the test completes or fails by hand. */
export class ScriptedClientEndpoint {
  readonly attempts: { factory: IProtocolFactory; deferred: Deferred<IProtocol> }[] = [];
  cancelled = 0;

  connect(factory: IProtocolFactory): Deferred<IProtocol> {
    const deferred: Deferred<IProtocol> = new Deferred<IProtocol>(() => {
      this.cancelled++;
    });
    this.attempts.push({ factory, deferred });
    return deferred;
  }

  /** Completes the latest attempt: builds the protocol and connects it to a StringTransport. */
  succeed(): { protocol: IProtocol; transport: StringTransport } {
    const attempt = this.attempts.at(-1);
    if (attempt === undefined) throw new Error("no attempt");
    const protocol = attempt.factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1));
    if (protocol === null) throw new Error("factory returned null");
    const transport = new StringTransport();
    protocol.makeConnection(transport);
    attempt.deferred.callback(protocol);
    return { protocol, transport };
  }

  fail(error: Error = new Error("refused")): void {
    this.attempts.at(-1)?.deferred.errback(error);
  }
}

/** Ends the connection behind `protocol` as a transport would. */
export function lose(protocol: IProtocol, clean = true): void {
  protocol.connectionLost(new Failure(clean ? new ConnectionDone() : new ConnectionLost()));
}

export class Recording extends Protocol {
  lost: Failure | null = null;
  override connectionLost(reason: Failure): void {
    this.lost = reason;
    super.connectionLost(reason);
  }
}

export const recordingFactory = (): Factory<Recording> => Factory.forProtocol(Recording);

/** A server endpoint that listens at once (or fails) with a fake port. */
export class FakeServerEndpoint {
  listens = 0;
  stopped = 0;
  readonly pending: Deferred<IListeningPort>[] = [];
  constructor(readonly mode: "ok" | "fail" | "manual" = "ok") {}

  listen(_factory: IProtocolFactory): Deferred<IListeningPort> {
    this.listens++;
    if (this.mode === "fail") {
      const d = new Deferred<IListeningPort>();
      d.errback(new Error("EADDRINUSE"));
      return d;
    }
    const port: IListeningPort = {
      startListening: () => {},
      stopListening: () => {
        this.stopped++;
        return succeed(undefined);
      },
      getHost: () => new IPv4Address("TCP", "127.0.0.1", 4321),
    };
    if (this.mode === "ok") return succeed(port);
    const d = new Deferred<IListeningPort>((self) => self.errback(new CancelledError()));
    this.pending.push(d);
    return d;
  }

  toString(): string {
    return "fake:endpoint";
  }
}
