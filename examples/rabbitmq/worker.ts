// Work queues, the worker: one task at a time (prefetch 1), acked once done; a worker
// killed mid-task has its task redelivered to another. $WORK_SECONDS_PER_DOT (default 1).
//   AMQP_URL=... node examples/dist/rabbitmq/worker.js
// As a service: `torsion serve examples/dist/rabbitmq/worker.js` (with `--workers N`) calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

const perDot = Number(process.env.WORK_SECONDS_PER_DOT ?? "1");

/** A reconnecting worker on "task_queue". */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare((channel) => channel.queueDeclare("task_queue", { durable: true }))
    .consume(
      "task_queue",
      (message, channel) => {
        const text = message.body.toString();
        console.log(` [x] Received '${text}'`);
        const dots = text.split(".").length - 1;
        reactor.callLater(dots * perDot, () => {
          console.log(" [x] Done");
          channel.basicAck(message);
        });
      },
      { prefetch: 1 },
    );
}

if (isMain(import.meta.url)) {
  const service = makeService();
  service.startService();
  void service.whenConnected().then(() => console.log(" [*] Waiting for messages. To exit press CTRL+C"));
  void reactor.run();
}
