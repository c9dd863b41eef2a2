// RPC, the server: answers fib(n) requests from "rpc_queue" to each request's reply-to,
// with its correlation id.
//   AMQP_URL=... node examples/dist/rabbitmq/rpc-server.js
// As a service: `torsion serve examples/dist/rabbitmq/rpc-server.js` (with `--workers N`) calls makeService.
import { AmqpClient } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl, isMain, type ServiceOptions } from "./broker-url.js";

function fib(n: number): bigint {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i += 1) [a, b] = [b, a + b];
  return a;
}

/** A reconnecting fib(n) server on "rpc_queue". */
export function makeService(options: ServiceOptions = {}): AmqpClient {
  return new AmqpClient(options.reactor ?? reactor, options.url ?? brokerUrl)
    .declare((channel) => channel.queueDeclare("rpc_queue"))
    .consume(
      "rpc_queue",
      (message, channel) => {
        const n = Number(message.body.toString());
        console.log(` [.] fib(${n})`);
        const replyTo = message.properties.replyTo;
        if (replyTo !== undefined) channel.basicPublish("", replyTo, fib(n).toString(), { correlationId: message.properties.correlationId });
        channel.basicAck(message);
      },
      { prefetch: 1 },
    );
}

if (isMain(import.meta.url)) {
  const service = makeService();
  service.startService();
  void service.whenConnected().then(() => console.log(" [x] Awaiting RPC requests"));
  void reactor.run();
}
