#!/usr/bin/python3
"""Python Twisted AMP peer for Torsion's interop tests (Twisted 22.4, Debian python3-twisted).

  amp_peer.py server tcp 0              -> prints "listening PORT", serves until stdin closes
  amp_peer.py server unix PATH          -> prints "listening PATH"
  amp_peer.py client tcp PORT SEED N K  -> N random calls, K in flight, against a peer serving
  amp_peer.py client unix PATH SEED N K    the same commands; prints one JSON summary line

With TLS=CERT.pem:KEY.pem in the environment the server also answers StartTLS with that
certificate; with TLS_CA=CA.pem the client first calls StartTLS verifying the server against
that CA, reports the server certificate's CN and makes its calls over TLS.

The command set mirrors packages/amp/test/interop-commands.ts: the same names, types and
responder semantics on both sides, so either side can check the other's answers.
"""
import datetime
import decimal
import json
import os
import random
import sys

from twisted.internet import defer, reactor, ssl, stdio, task
from twisted.internet.endpoints import TCP4ClientEndpoint, UNIXClientEndpoint, connectProtocol
from twisted.internet.protocol import Factory, Protocol
from twisted.protocols import amp
from twisted.python.filepath import FilePath


class BadInput(Exception):
    pass


class Fatal(Exception):
    pass


class Sum(amp.Command):
    arguments = [(b"a", amp.Integer()), (b"b", amp.Integer())]
    response = [(b"total", amp.Integer())]


class Concat(amp.Command):
    arguments = [(b"a", amp.String()), (b"b", amp.String())]
    response = [(b"value", amp.String())]


class Reverse(amp.Command):
    arguments = [(b"text", amp.Unicode())]
    response = [(b"text", amp.Unicode())]


class Negate(amp.Command):
    arguments = [(b"flag", amp.Boolean())]
    response = [(b"flag", amp.Boolean())]


class Scale(amp.Command):
    arguments = [(b"x", amp.Float()), (b"factor", amp.Float())]
    response = [(b"value", amp.Float())]


class DecimalEcho(amp.Command):
    arguments = [(b"d", amp.Decimal())]
    response = [(b"d", amp.Decimal()), (b"text", amp.Unicode())]


class ToUTC(amp.Command):
    arguments = [(b"at", amp.DateTime())]
    response = [(b"at", amp.DateTime()), (b"utc", amp.DateTime())]


class Stats(amp.Command):
    arguments = [(b"values", amp.ListOf(amp.Integer()))]
    response = [(b"count", amp.Integer()), (b"total", amp.Integer()), (b"reversed", amp.ListOf(amp.Integer()))]


RECORD = [(b"name", amp.Unicode()), (b"n", amp.Integer()), (b"note", amp.Unicode(optional=True))]


class Records(amp.Command):
    arguments = [(b"items", amp.AmpList(RECORD))]
    response = [(b"items", amp.AmpList(RECORD))]


class Child(amp.Command):
    arguments = [(b"path", amp.Path())]
    response = [(b"path", amp.Path())]


class Greet(amp.Command):
    arguments = [(b"name", amp.Unicode()), (b"title", amp.Unicode(optional=True))]
    response = [(b"text", amp.Unicode())]


class Fail(amp.Command):
    arguments = [(b"kind", amp.Unicode())]
    response = []
    errors = {BadInput: b"BAD_INPUT"}
    fatalErrors = {Fatal: b"FATAL"}


class Notify(amp.Command):
    arguments = [(b"text", amp.Unicode())]
    requiresAnswer = False


class Count(amp.Command):
    arguments = []
    response = [(b"count", amp.Integer()), (b"last", amp.Unicode(optional=True))]


class Slow(amp.Command):
    arguments = [(b"ms", amp.Integer()), (b"tag", amp.Integer())]
    response = [(b"tag", amp.Integer())]


def fail_kind(kind):
    if kind == "bad":
        raise BadInput("bad input: " + kind)
    if kind == "fatal":
        raise Fatal("fatal: " + kind)
    if kind == "unknown":
        raise RuntimeError("undeclared")
    return {}


class Server(amp.AMP):
    notified = 0
    last = None

    @Sum.responder
    def sum(self, a, b):
        return {"total": a + b}

    @Concat.responder
    def concat(self, a, b):
        return {"value": a + b}

    @Reverse.responder
    def reverse(self, text):
        return {"text": text[::-1]}

    @Negate.responder
    def negate(self, flag):
        return {"flag": not flag}

    @Scale.responder
    def scale(self, x, factor):
        return {"value": x * factor}

    @DecimalEcho.responder
    def decimal_echo(self, d):
        return {"d": d, "text": str(d)}

    @ToUTC.responder
    def to_utc(self, at):
        return {"at": at, "utc": at.astimezone(amp.utc)}

    @Stats.responder
    def stats(self, values):
        return {"count": len(values), "total": sum(values), "reversed": values[::-1]}

    @Records.responder
    def records(self, items):
        out = []
        for item in reversed(items):
            record = {"name": item["name"], "n": item["n"] + 1}
            if item["note"] is not None:
                record["note"] = item["note"]
            out.append(record)
        return {"items": out}

    @Child.responder
    def child(self, path):
        return {"path": path.child("x")}

    @Greet.responder
    def greet(self, name, title):
        return {"text": "%s %s" % (title or "dear", name)}

    @Fail.responder
    def fail(self, kind):
        return fail_kind(kind)

    @Notify.responder
    def notify(self, text):
        self.notified += 1
        self.last = text
        return {}

    @Count.responder
    def count(self):
        return {"count": self.notified, "last": self.last}

    @Slow.responder
    def slow(self, ms, tag):
        return task.deferLater(reactor, ms / 1000.0, lambda: {"tag": tag})


class TLSServer(Server):
    """Server that also answers StartTLS with the certificate named by $TLS (CERT:KEY)."""

    @amp.StartTLS.responder
    def start_tls(self):
        cert_path, key_path = os.environ["TLS"].split(":")
        with open(cert_path) as cert, open(key_path) as key:
            certificate = ssl.PrivateCertificate.loadPEM(cert.read() + key.read())
        return {"tls_localCertificate": certificate}


def common_name(x509):
    return x509.get_subject().commonName if x509 is not None else None


# ---- the client: seeded random calls with expected answers ---------------------------------

TEXT = "aZ09 \t\n\u00e9\u00df\u4e2d\u6587\u202e\ufeff\uffff\U0001f600\U0001f680\x00"


def rand_text(r):
    return "".join(r.choice(TEXT) for _ in range(r.randrange(0, 12)))


def rand_int(r):
    return r.choice([r.randrange(-100, 100), r.randrange(-2**63, 2**63), r.randrange(-10**40, 10**40), 2**53 + 1, -(2**53) - 1])


def rand_float(r):
    return r.choice([r.uniform(-1e6, 1e6), r.random() * 10 ** r.randrange(-30, 30), float("inf"), float("-inf"), float("nan"), 0.0, -0.0, 1e-7, 1e16, 5e-324])


def rand_decimal(r):
    return decimal.Decimal(r.choice(["1.0", "1E+2", "-0", "0E-7", "NaN", "-sNaN", "Infinity", "NaN123", "0.000001",
                                     "%d.%d" % (r.randrange(-10**6, 10**6), r.randrange(0, 10**4)),
                                     "%dE%d" % (r.randrange(1, 10**5), r.randrange(-20, 20))]))


def rand_datetime(r):
    offset = datetime.timedelta(minutes=r.randrange(-23 * 60, 23 * 60))
    return datetime.datetime(r.randrange(2, 9998), r.randrange(1, 13), r.randrange(1, 29), r.randrange(24), r.randrange(60),
                             r.randrange(60), r.randrange(10**6), tzinfo=datetime.timezone(offset))


def same_float(a, b):
    return (a != a and b != b) or (a == b and str(a) == str(b))


def plan_call(r, i):
    """Returns (command, kwargs, check(result) -> bool)."""
    kind = r.randrange(12)
    if kind == 0:
        a, b = rand_int(r), rand_int(r)
        return Sum, dict(a=a, b=b), lambda res: res["total"] == a + b
    if kind == 1:
        a, b = os.urandom(r.randrange(0, 20)), os.urandom(r.randrange(0, 20))
        return Concat, dict(a=a, b=b), lambda res: res["value"] == a + b
    if kind == 2:
        t = rand_text(r)
        return Reverse, dict(text=t), lambda res: res["text"] == t[::-1]
    if kind == 3:
        f = r.random() < 0.5
        return Negate, dict(flag=f), lambda res: res["flag"] is (not f)
    if kind == 4:
        x, f = rand_float(r), rand_float(r)
        return Scale, dict(x=x, factor=f), lambda res: same_float(res["value"], x * f)
    if kind == 5:
        d = rand_decimal(r)
        return DecimalEcho, dict(d=d), lambda res: str(res["d"]) == str(d) and res["text"] == str(d)
    if kind == 6:
        at = rand_datetime(r)
        return ToUTC, dict(at=at), lambda res: res["at"] == at and res["at"].utcoffset() == at.utcoffset() and res["utc"] == at and res["utc"].utcoffset() == datetime.timedelta(0)
    if kind == 7:
        values = [rand_int(r) for _ in range(r.randrange(0, 8))]
        return Stats, dict(values=values), lambda res: res["count"] == len(values) and res["total"] == sum(values) and res["reversed"] == values[::-1]
    if kind == 8:
        items = [{"name": rand_text(r), "n": rand_int(r), "note": rand_text(r) if r.random() < 0.5 else None} for _ in range(r.randrange(0, 5))]
        want = [{"name": it["name"], "n": it["n"] + 1, "note": it["note"]} for it in reversed(items)]
        sent = [{k: v for k, v in it.items() if v is not None} for it in items]
        return Records, dict(items=sent), lambda res: res["items"] == want
    if kind == 9:
        p = "/" + "/".join(r.choice(["a", "b", "..", ".", "\u00e9t\u00e9", "c d"]) for _ in range(r.randrange(1, 5)))
        want = FilePath(p).child("x").path
        return Child, dict(path=FilePath(p)), lambda res: res["path"].path == want
    if kind == 10:
        name, title = rand_text(r), (rand_text(r) if r.random() < 0.5 else None)
        kw = dict(name=name) if title is None else dict(name=name, title=title)
        return Greet, kw, lambda res: res["text"] == "%s %s" % (title or "dear", name)
    ms, tag = r.randrange(0, 20), i
    return Slow, dict(ms=ms, tag=tag), lambda res: res["tag"] == tag


@defer.inlineCallbacks
def run_client(endpoint, seed, count, inflight):
    r = random.Random(seed)
    proto = yield connectProtocol(endpoint, amp.AMP())
    sem = defer.DeferredSemaphore(inflight)
    summary = {"calls": 0, "ok": 0, "mismatches": [], "outOfOrder": 0, "notified": 0}
    if os.environ.get("TLS_CA"):
        with open(os.environ["TLS_CA"]) as ca:
            authority = ssl.Certificate.loadPEM(ca.read())
        yield proto.callRemote(amp.StartTLS, tls_verifyAuthorities=[authority])
        # the handshake runs now; the first answer over TLS proves it completed
        yield proto.callRemote(Sum, a=20, b=22)
        summary["tlsPeerCN"] = common_name(proto.transport.getPeerCertificate())
    order = []

    def one(i):
        command, kw, check = plan_call(r, i)
        d = sem.run(proto.callRemote, command, **kw)

        def done(res):
            summary["calls"] += 1
            order.append(i)
            if check(res):
                summary["ok"] += 1
            else:
                summary["mismatches"].append({"i": i, "command": command.__name__, "args": repr(kw), "got": repr(res)})

        def failed(f):
            summary["calls"] += 1
            summary["mismatches"].append({"i": i, "command": command.__name__, "failure": str(f.value)})
        return d.addCallbacks(done, failed)

    calls = []
    for i in range(count):
        if i % 50 == 0:
            proto.callRemote(Notify, text="note %d" % i)
            summary["notified"] += 1
        calls.append(one(i))
    yield defer.DeferredList(calls)
    summary["outOfOrder"] = sum(1 for a, b in zip(order, order[1:]) if b < a)
    counted = yield proto.callRemote(Count)
    summary["countOk"] = counted["count"] == summary["notified"] and counted["last"] == "note %d" % (50 * (summary["notified"] - 1))
    # declared error, connection stays open
    try:
        yield proto.callRemote(Fail, kind="bad")
        summary["declared"] = "no error"
    except BadInput as e:
        summary["declared"] = "BadInput:" + str(e)
    still = yield proto.callRemote(Sum, a=1, b=2)
    summary["openAfterDeclared"] = still["total"] == 3
    # fatal error: the peer closes the connection
    lost = defer.Deferred()
    proto.connectionLost = lambda reason, orig=proto.connectionLost: (orig(reason), lost.callback(None))
    try:
        yield proto.callRemote(Fail, kind="fatal")
        summary["fatal"] = "no error"
    except Fatal as e:
        summary["fatal"] = "Fatal:" + str(e)
    yield lost
    summary["closedAfterFatal"] = True
    print(json.dumps(summary), flush=True)


class StdinWatcher(Protocol):
    def connectionLost(self, reason):
        if reactor.running:
            reactor.stop()


def main(argv):
    role, family, address = argv[1], argv[2], argv[3]
    if role == "server":
        factory = Factory.forProtocol(TLSServer if os.environ.get("TLS") else Server)
        if family == "tcp":
            port = reactor.listenTCP(int(address), factory, interface="127.0.0.1")
            print("listening %d" % port.getHost().port, flush=True)
        else:
            reactor.listenUNIX(address, factory)
            print("listening %s" % address, flush=True)
        stdio.StandardIO(StdinWatcher())
        reactor.run()
        return 0
    seed, count, inflight = int(argv[4]), int(argv[5]), int(argv[6])
    endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", int(address)) if family == "tcp" else UNIXClientEndpoint(reactor, address)
    result = {"code": 0}

    def finish(outcome):
        if isinstance(outcome, Exception) or hasattr(outcome, "value"):
            print(json.dumps({"error": str(getattr(outcome, "value", outcome))}), flush=True)
            result["code"] = 1
        reactor.stop()
    reactor.callWhenRunning(lambda: run_client(endpoint, seed, count, inflight).addBoth(finish))
    reactor.run()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
