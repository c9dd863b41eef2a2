// Routing, the receiver: the messages of the severities given.
//   AMQP_URL=... node examples/dist/rabbitmq/receive-logs-direct.js info warning error
// As a service: `torsion serve examples/dist/rabbitmq/receive-logs-direct.js [ARGS...]` calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

/** A reconnecting subscriber to "direct_logs" for `severities`. */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  const severities = options.args !== undefined && options.args.length > 0 ? options.args : ["info"];
  let queue = "";
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare(async (channel) => {
      await channel.exchangeDeclare("direct_logs", "direct");
      queue = (await channel.queueDeclare("", { exclusive: true })).queue;
      for (const severity of severities) await channel.queueBind(queue, "direct_logs", severity);
    })
    .consume(() => queue, (m) => console.log(` [x] ${m.routingKey}: '${m.body.toString()}'`), { noAck: true, prefetch: 0 });
}

if (isMain(import.meta.url)) {
  const severities = process.argv.slice(2);
  if (severities.length === 0) {
    console.error("usage: receive-logs-direct.js [info] [warning] [error]");
    process.exit(2);
  }
  const service = makeService({ args: severities });
  service.startService();
  void service.whenConnected().then(() => console.log(" [*] Waiting for logs. To exit press CTRL+C"));
  void reactor.run();
}
