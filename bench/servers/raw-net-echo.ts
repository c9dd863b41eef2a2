// Raw Node `net` echo server: the baseline Torsion's TCP and Unix echo is compared with.
//   node bench/dist/servers/raw-net-echo.js PORT          (listens on 127.0.0.1:PORT)
//   node bench/dist/servers/raw-net-echo.js /tmp/x.sock   (listens on a Unix socket)
// Node defaults on purpose (no noDelay, default backlog); the 'error' listener only keeps a
// peer reset from crashing the process. Exits on SIGTERM/SIGINT.
import net from "node:net";
import { unlinkSync } from "node:fs";

const target = process.argv[2];
if (target === undefined) {
  console.error("usage: raw-net-echo.js PORT|/path/to/socket");
  process.exit(1);
}

const server = net.createServer((socket) => {
  socket.on("data", (d) => socket.write(d));
  socket.on("error", () => {});
});

if (/^\d+$/.test(target)) {
  server.listen(Number(target), "127.0.0.1", () => console.log(`listening ${JSON.stringify(server.address())}`));
} else {
  try {
    unlinkSync(target);
  } catch {
    /* not there: fine */
  }
  server.listen(target, () => console.log(`listening ${target}`));
}

const quit = (): void => process.exit(0);
process.on("SIGTERM", quit);
process.on("SIGINT", quit);
