// Topics, the emitter: one message with a dotted routing key to the "topic_logs" exchange.
//   AMQP_URL=... node examples/dist/rabbitmq/emit-log-topic.js kern.critical "A critical kernel error"
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const [key = "anonymous.info", ...words] = process.argv.slice(2);
const message = words.join(" ") || "Hello World!";
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
await channel.exchangeDeclare("topic_logs", "topic");
await channel.confirmSelect();
await channel.basicPublish("topic_logs", key, message);
console.log(` [x] Sent ${key}: '${message}'`);
await connection.close();
