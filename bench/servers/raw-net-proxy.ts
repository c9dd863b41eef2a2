// Raw Node `net` TCP proxy: the baseline for `torsion portforward`.
//   node bench/dist/servers/raw-net-proxy.js LISTEN_PORT DEST_PORT   (both on 127.0.0.1)
// Every accepted connection gets a connection to 127.0.0.1:DEST_PORT, piped both ways
// (stream.pipe: backpressure and half-close passed through); an error on either side
// destroys both. Exits on SIGTERM/SIGINT.
import net from "node:net";

const [listenArg, destArg] = process.argv.slice(2);
if (listenArg === undefined || destArg === undefined) {
  console.error("usage: raw-net-proxy.js LISTEN_PORT DEST_PORT");
  process.exit(1);
}
const dest = Number(destArg);

const server = net.createServer({ allowHalfOpen: true }, (client) => {
  const upstream = net.connect({ host: "127.0.0.1", port: dest, allowHalfOpen: true });
  const both = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", both);
  upstream.on("error", both);
  client.pipe(upstream);
  upstream.pipe(client);
});

server.listen(Number(listenArg), "127.0.0.1", () => console.log(`listening ${JSON.stringify(server.address())}`));

const quit = (): void => process.exit(0);
process.on("SIGTERM", quit);
process.on("SIGINT", quit);
