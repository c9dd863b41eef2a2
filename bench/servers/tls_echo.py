"""Python Twisted TLS echo server for the TLS bench (reference only): TLS 1.3.
   tls_echo.py KEY CERT   prints "listening PORT", and "cpu MICROSECONDS" (user + system
   CPU time of the process) on each SIGUSR2, as the Node peers do."""
import resource
import signal
import sys

from twisted.internet import protocol, reactor, ssl


class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)


def report_cpu(_signum, _frame):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("cpu %d" % round((usage.ru_utime + usage.ru_stime) * 1e6), flush=True)


signal.signal(signal.SIGUSR2, report_cpu)
pem = open(sys.argv[2], "rb").read() + open(sys.argv[1], "rb").read()
cert = ssl.PrivateCertificate.loadPEM(pem)
options = ssl.CertificateOptions(privateKey=cert.privateKey.original, certificate=cert.original,
                                 raiseMinimumTo=ssl.TLSVersion.TLSv1_3)
port = reactor.listenSSL(0, protocol.Factory.forProtocol(Echo), options, interface="127.0.0.1")
print("listening %d" % port.getHost().port, flush=True)
reactor.run()
