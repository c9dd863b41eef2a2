// A chat server whose rooms are Redis pub/sub channels, so several server processes share
// the same rooms. Line protocol: "/join ROOM" enters a room (leaving the previous one),
// "/nick NAME" renames you, any other line is said in your room (to everyone in it, on
// every server, you included).
//   node examples/dist/redis-chat/main.js [PORT] [REDIS_URL]
//   (127.0.0.1; PORT 0 picks a free port; REDIS_URL defaults to redis://127.0.0.1:6379)
import { reactor, LineReceiver, ServerFactory } from "torsion";
import { RedisClient } from "@torsion/redis";

// One RESP3 connection per server: it stays usable for PUBLISH while subscribed.
const redis = new RedisClient(reactor, process.argv[3] ?? "redis://127.0.0.1:6379", { protocol: 3 }).start();
/** The local members of each room. */
const rooms = new Map<string, Set<ChatUser>>();
let nextUser = 1;

function channelOf(room: string): string {
  return `chat:${room}`;
}

function join(user: ChatUser, room: string): void {
  let members = rooms.get(room);
  if (members === undefined) {
    rooms.set(room, (members = new Set()));
    // The first local member subscribes this server; messages go to every local member.
    void redis
      .subscribe([channelOf(room)], (message) => {
        for (const member of rooms.get(room) ?? []) member.sendLine(message);
      })
      .addCallback(() => {
        user.sendLine(Buffer.from(`* joined ${room}`));
        return null;
      });
  } else user.sendLine(Buffer.from(`* joined ${room}`));
  members.add(user);
}

function leave(user: ChatUser, room: string): void {
  const members = rooms.get(room);
  if (members === undefined) return;
  members.delete(user);
  if (members.size === 0) {
    rooms.delete(room);
    void redis.unsubscribe([channelOf(room)]);
  }
}

class ChatUser extends LineReceiver {
  #room: string | null = null;
  #name = `user${nextUser++}`;

  override connectionMade(): void {
    this.sendLine(Buffer.from(`Hello ${this.#name}. /join ROOM to enter a room.`));
  }

  override connectionLost(): void {
    if (this.#room !== null) leave(this, this.#room);
  }

  override lineReceived(line: Buffer): void {
    const text = line.toString("utf8");
    const command = /^\/(join|nick) (\S{1,64})$/.exec(text);
    if (command?.[1] === "join") {
      if (this.#room !== null) leave(this, this.#room);
      this.#room = command[2] as string;
      join(this, this.#room);
    } else if (command?.[1] === "nick") {
      this.#name = command[2] as string;
      this.sendLine(Buffer.from(`* you are ${this.#name}`));
    } else if (this.#room === null) {
      this.sendLine(Buffer.from("* /join ROOM first"));
    } else {
      void redis.publish(channelOf(this.#room), `<${this.#name}> ${text}`);
    }
  }
}

class ChatFactory extends ServerFactory<ChatUser> {
  override protocol = ChatUser;
}

const port = reactor.listenTCP(Number(process.argv[2] ?? "8124"), new ChatFactory(), { interface: "127.0.0.1" });
reactor.addSystemEventTrigger("before", "shutdown", () => redis.close());
reactor.callWhenRunning(() => console.log(`redis-chat listening on ${String(port.getHost())}`));
void reactor.run();
