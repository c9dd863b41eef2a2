// Topics, the receiver: the messages matching the binding keys given (* one word, # zero or more).
//   AMQP_URL=... node examples/dist/rabbitmq/receive-logs-topic.js "kern.*" "*.critical"
// As a service: `torsion serve examples/dist/rabbitmq/receive-logs-topic.js [ARGS...]` calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

/** A reconnecting subscriber to "topic_logs" for `bindingKeys`. */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  const bindingKeys = options.args !== undefined && options.args.length > 0 ? options.args : ["#"];
  let queue = "";
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare(async (channel) => {
      await channel.exchangeDeclare("topic_logs", "topic");
      queue = (await channel.queueDeclare("", { exclusive: true })).queue;
      for (const key of bindingKeys) await channel.queueBind(queue, "topic_logs", key);
    })
    .consume(() => queue, (m) => console.log(` [x] ${m.routingKey}: '${m.body.toString()}'`), { noAck: true, prefetch: 0 });
}

if (isMain(import.meta.url)) {
  const bindingKeys = process.argv.slice(2);
  if (bindingKeys.length === 0) {
    console.error("usage: receive-logs-topic.js [binding_key]...");
    process.exit(2);
  }
  const service = makeService({ args: bindingKeys });
  service.startService();
  void service.whenConnected().then(() => console.log(" [*] Waiting for logs. To exit press CTRL+C"));
  void reactor.run();
}
