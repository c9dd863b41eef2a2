// Publish/subscribe, the receiver: a server-named exclusive queue bound to "logs".
//   AMQP_URL=... node examples/dist/rabbitmq/receive-logs.js
// As a service: `torsion serve examples/dist/rabbitmq/receive-logs.js` calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

/** A reconnecting subscriber to "logs" (a new queue at each connection). */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  let queue = "";
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare(async (channel) => {
      await channel.exchangeDeclare("logs", "fanout");
      queue = (await channel.queueDeclare("", { exclusive: true })).queue;
      await channel.queueBind(queue, "logs");
    })
    .consume(() => queue, (message) => console.log(` [x] ${message.body.toString()}`), { noAck: true, prefetch: 0 });
}

if (isMain(import.meta.url)) {
  const service = makeService();
  service.startService();
  void service.whenConnected().then(() => console.log(" [*] Waiting for logs. To exit press CTRL+C"));
  void reactor.run();
}
