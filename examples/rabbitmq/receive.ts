// Hello world, the receiver: prints every message of the "hello" queue.
//   AMQP_URL=... node examples/dist/rabbitmq/receive.js
// As a service: `torsion serve examples/dist/rabbitmq/receive.js` (with `--workers N`) calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

/** A reconnecting consumer of "hello" that prints each message. */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare((channel) => channel.queueDeclare("hello"))
    .consume("hello", (message) => console.log(` [x] Received '${message.body.toString()}'`), { noAck: true, prefetch: 0 });
}

if (isMain(import.meta.url)) {
  const service = makeService();
  service.startService();
  void service.whenConnected().then(() => console.log(" [*] Waiting for messages. To exit press CTRL+C"));
  void reactor.run();
}
