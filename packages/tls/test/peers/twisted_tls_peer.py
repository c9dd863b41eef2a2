"""Python Twisted TLS peer for Torsion's interop tests (run with /usr/bin/python3).

Modes (one JSON line of result on stdout; a server first prints "PORT <n>"):
  server CERT KEY [ALPN,...]          echo server (listenSSL), one connection, then exits
  client PORT HOSTNAME CA NBYTES [ALPN,...]
                                      connectSSL(optionsForClientTLS), sends NBYTES,
                                      waits for them echoed, reports
  starttls-server CERT KEY            plaintext line protocol: on "STARTTLS" answers
                                      "GO" and starts TLS, then echoes
  starttls-client PORT HOSTNAME CA    sends "STARTTLS", on "GO" starts TLS, sends
                                      "secret", expects it echoed
"""
import json
import sys

from twisted.internet import protocol, reactor, ssl
from twisted.protocols.basic import LineReceiver


def report(**kw):
    print(json.dumps(kw), flush=True)


def server_options(cert, key, alpn):
    pem = open(cert, "rb").read() + open(key, "rb").read()
    options = ssl.PrivateCertificate.loadPEM(pem).options()
    if alpn:
        options = ssl.CertificateOptions(
            privateKey=options.privateKey, certificate=options.certificate,
            acceptableProtocols=[p.encode() for p in alpn])
    return options


def client_options(hostname, ca, alpn):
    root = ssl.Certificate.loadPEM(open(ca, "rb").read())
    kw = {"trustRoot": root}
    if alpn:
        kw["acceptableProtocols"] = [p.encode() for p in alpn]
    return ssl.optionsForClientTLS(hostname, **kw)


def reason_text(reason):
    value = reason.value
    return "%s: %s" % (type(value).__name__, value)


class Echo(protocol.Protocol):
    received = 0

    def dataReceived(self, data):
        self.received += len(data)
        self.transport.write(data)

    def connectionLost(self, reason):
        proto = getattr(self.transport, "negotiatedProtocol", None)
        report(side="server", received=self.received, reason=reason_text(reason),
               alpn=proto.decode() if proto else None)
        reactor.callLater(0, reactor.stop)


class Sender(protocol.Protocol):
    def __init__(self, nbytes):
        self.nbytes = nbytes
        self.got = 0
        self.ok = True

    def connectionMade(self):
        block = bytes(range(256)) * 256
        sent = 0
        while sent < self.nbytes:
            chunk = block[: min(len(block), self.nbytes - sent)]
            self.transport.write(chunk)
            sent += len(chunk)

    def dataReceived(self, data):
        block = bytes(range(256))
        for i, b in enumerate(data):
            if b != block[(self.got + i) % 256]:
                self.ok = False
                break
        self.got += len(data)
        if self.got >= self.nbytes:
            self.transport.loseConnection()

    def connectionLost(self, reason):
        proto = getattr(self.transport, "negotiatedProtocol", None)
        report(side="client", received=self.got, ok=self.ok and self.got == self.nbytes,
               reason=reason_text(reason), alpn=proto.decode() if proto else None)
        reactor.callLater(0, reactor.stop)


class StartTLSServer(LineReceiver):
    def __init__(self, options):
        self.options = options
        self.tls = False

    def lineReceived(self, line):
        if line == b"STARTTLS" and not self.tls:
            self.sendLine(b"GO")
            self.transport.startTLS(self.options)
            self.tls = True
            self.setRawMode()

    def rawDataReceived(self, data):
        self.transport.write(data)

    def connectionLost(self, reason):
        peer = self.transport.getPeerCertificate() if self.tls else None
        report(side="server", tls=self.tls, reason=reason_text(reason))
        reactor.callLater(0, reactor.stop)


class StartTLSClient(LineReceiver):
    def __init__(self, options):
        self.options = options
        self.got = b""

    def connectionMade(self):
        self.sendLine(b"STARTTLS")

    def lineReceived(self, line):
        if line == b"GO":
            self.transport.startTLS(self.options)
            self.setRawMode()
            self.transport.write(b"secret after starttls")

    def rawDataReceived(self, data):
        self.got += data
        if self.got == b"secret after starttls":
            self.transport.loseConnection()

    def connectionLost(self, reason):
        report(side="client", echoed=self.got.decode("latin1"), reason=reason_text(reason))
        reactor.callLater(0, reactor.stop)


def serve(factory, listen):
    port = listen(factory)
    print("PORT %d" % port.getHost().port, flush=True)
    reactor.callLater(60, reactor.stop)
    reactor.run()


def main(argv):
    mode = argv[1]
    if mode == "server":
        alpn = argv[4].split(",") if len(argv) > 4 else None
        serve(protocol.Factory.forProtocol(Echo),
              lambda f: reactor.listenSSL(0, f, server_options(argv[2], argv[3], alpn), interface="127.0.0.1"))
    elif mode == "client":
        alpn = argv[6].split(",") if len(argv) > 6 else None
        factory = protocol.ClientFactory.forProtocol(lambda: Sender(int(argv[5])))
        factory.clientConnectionFailed = lambda c, r: (report(side="client", failed=reason_text(r)), reactor.stop())
        reactor.connectSSL("127.0.0.1", int(argv[2]), factory, client_options(argv[3], argv[4], alpn))
        reactor.callLater(60, reactor.stop)
        reactor.run()
    elif mode == "starttls-server":
        options = server_options(argv[2], argv[3], None)
        f = protocol.Factory.forProtocol(lambda: StartTLSServer(options))
        serve(f, lambda f: reactor.listenTCP(0, f, interface="127.0.0.1"))
    elif mode == "starttls-client":
        options = client_options(argv[3], argv[4], None)
        factory = protocol.ClientFactory.forProtocol(lambda: StartTLSClient(options))
        reactor.connectTCP("127.0.0.1", int(argv[2]), factory)
        reactor.callLater(60, reactor.stop)
        reactor.run()
    else:
        raise SystemExit("unknown mode %r" % mode)


if __name__ == "__main__":
    main(sys.argv)
