"""Python Twisted TLS echo server for the TLS bench (reference only): TLS 1.3.
   tls_echo.py KEY CERT   prints "listening PORT"."""
import sys

from twisted.internet import protocol, reactor, ssl


class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)


pem = open(sys.argv[2], "rb").read() + open(sys.argv[1], "rb").read()
cert = ssl.PrivateCertificate.loadPEM(pem)
options = ssl.CertificateOptions(privateKey=cert.privateKey.original, certificate=cert.original,
                                 raiseMinimumTo=ssl.TLSVersion.TLSv1_3)
port = reactor.listenSSL(0, protocol.Factory.forProtocol(Echo), options, interface="127.0.0.1")
print("listening %d" % port.getHost().port, flush=True)
reactor.run()
