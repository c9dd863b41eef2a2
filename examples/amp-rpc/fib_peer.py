#!/usr/bin/python3
"""The AMP RPC example's Python Twisted side: the same Fib command, usable as a server for the
Torsion client or as a client of the Torsion server.

  python3 fib_peer.py server PORT         prints "listening on PORT" (0: any free port)
  python3 fib_peer.py client PORT N [N..] prints fib(N) per line (all calls in flight at once)
"""
import sys

from twisted.internet import defer, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.protocol import Factory
from twisted.protocols import amp

MAX_N = 100000


class Negative(Exception):
    pass


class TooLarge(Exception):
    pass


class Fib(amp.Command):
    arguments = [(b"n", amp.Integer())]
    response = [(b"value", amp.Integer())]
    errors = {Negative: b"NEGATIVE", TooLarge: b"TOO_LARGE"}


class FibServer(amp.AMP):
    @Fib.responder
    def fib(self, n):
        if n < 0:
            raise Negative("fib(%d): n must not be negative" % n)
        if n > MAX_N:
            raise TooLarge("fib(%d): n must be at most %d" % (n, MAX_N))
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return {"value": a}


@defer.inlineCallbacks
def client(port, ns):
    proto = yield connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", port), amp.AMP())
    try:
        answers = yield defer.gatherResults([proto.callRemote(Fib, n=n) for n in ns], consumeErrors=True)
        for answer in answers:
            print(answer["value"], flush=True)
    except defer.FirstError as e:
        print("error: %s: %s" % (type(e.subFailure.value).__name__, e.subFailure.value), file=sys.stderr, flush=True)
        defer.returnValue(1)
    finally:
        proto.transport.loseConnection()
    defer.returnValue(0)


def main(argv):
    if argv[1] == "server":
        port = reactor.listenTCP(int(argv[2]), Factory.forProtocol(FibServer), interface="127.0.0.1")
        print("listening on %d" % port.getHost().port, flush=True)
        reactor.run()
        return 0
    code = [1]

    def done(result):
        code[0] = result if isinstance(result, int) else 1
        reactor.stop()
    reactor.callWhenRunning(lambda: client(int(argv[2]), [int(n) for n in argv[3:]]).addBoth(done))
    reactor.run()
    return code[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
