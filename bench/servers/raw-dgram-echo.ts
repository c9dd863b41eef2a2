// Raw Node `dgram` echo server: the baseline of the UDP benchmark.
//   node bench/dist/servers/raw-dgram-echo.js [PORT]   (127.0.0.1; 0 or nothing picks a port)
// Prints "listening PORT" once bound. Every datagram goes back to its sender. Exits on
// SIGTERM/SIGINT.
import dgram from "node:dgram";

const port = Number(process.argv[2] ?? "0");
const socket = dgram.createSocket("udp4");
socket.on("message", (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.on("error", (e) => console.error(`raw-dgram-echo: ${e.message}`));
socket.bind(port, "127.0.0.1", () => console.log(`listening ${socket.address().port}`));

const quit = (): void => process.exit(0);
process.on("SIGTERM", quit);
process.on("SIGINT", quit);
