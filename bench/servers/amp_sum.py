#!/usr/bin/python3
"""Python Twisted side of the AMP benchmark (bench/amp.ts).

  amp_sum.py server                          prints "listening PORT"
  amp_sum.py client PORT WARM DUR INFLIGHT   prints {"calls", "seconds", "errors"}
"""
import json
import sys
import time

from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.protocol import Factory
from twisted.protocols import amp


class Sum(amp.Command):
    arguments = [(b"a", amp.Integer()), (b"b", amp.Integer())]
    response = [(b"total", amp.Integer())]


class SumServer(amp.AMP):
    @Sum.responder
    def sum(self, a, b):
        return {"total": a + b}


def client(port, warm, dur, inflight):
    state = {"seq": 0, "calls": 0, "errors": 0, "start": time.monotonic(), "measure": None, "done": False}

    def call(proto):
        a = state["seq"]
        state["seq"] += 1

        def done(result):
            if state["done"]:
                return
            if result["total"] != a + 1:
                state["errors"] += 1
            now = time.monotonic()
            if state["measure"] is None and now - state["start"] >= warm:
                state["measure"] = now
            if state["measure"] is not None:
                state["calls"] += 1
                if now - state["measure"] >= dur:
                    print(json.dumps({"calls": state["calls"], "seconds": now - state["measure"], "errors": state["errors"]}), flush=True)
                    state["done"] = True
                    reactor.stop()
                    return
            call(proto)
        proto.callRemote(Sum, a=a, b=1).addCallbacks(done, lambda f: state.__setitem__("errors", state["errors"] + 1))

    def connected(proto):
        for _ in range(inflight):
            call(proto)
    connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", port), amp.AMP()).addCallback(connected)
    reactor.run()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        port = reactor.listenTCP(0, Factory.forProtocol(SumServer), interface="127.0.0.1")
        print("listening %d" % port.getHost().port, flush=True)
        reactor.run()
    else:
        client(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
