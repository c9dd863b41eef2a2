// Raw Node `net` echo server with `onread` reads: the "raw node:net onread" column, the
// fastest plain Node can echo (no 'data' events, no Buffer per read).
//   node bench/dist/servers/raw-onread-echo.js PORT | /tmp/x.sock
// Node 20 has no `onread` option for accepted sockets, so each connection is accepted
// paused (`pauseOnConnect`) and its libuv handle (the undocumented `_handle` field) is taken
// over by a new `net.Socket({ handle, onread })`. Reads land in a 64 KiB buffer owned by
// the connection; when a write could not be flushed at once (it still references that
// buffer), the next read goes into a fresh one, so queued bytes are never overwritten.
import net from "node:net";
import { unlinkSync } from "node:fs";

const target = process.argv[2];
if (target === undefined) {
  console.error("usage: raw-onread-echo.js PORT|/path/to/socket");
  process.exit(1);
}

const READ_SIZE = 64 * 1024;

function adopt(accepted: net.Socket): void {
  const holder = accepted as unknown as { _handle: unknown };
  const handle = holder._handle;
  if (handle === null || handle === undefined) return;
  holder._handle = null;
  let buffer = Buffer.allocUnsafe(READ_SIZE);
  const socket: net.Socket = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer: () => buffer,
      callback: (n: number, buf: Uint8Array): boolean => {
        socket.write(buf.subarray(0, n));
        if (socket.writableLength > 0) buffer = Buffer.allocUnsafe(READ_SIZE);
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  socket.on("error", () => {});
}

const server = net.createServer({ pauseOnConnect: true }, adopt);

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
