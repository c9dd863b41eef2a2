// Routing, the emitter: one message with a severity to the "direct_logs" direct exchange.
//   AMQP_URL=... node examples/dist/rabbitmq/emit-log-direct.js [SEVERITY] [MESSAGE]
import { connectAmqp } from "@torsion/amqp";
import { reactor } from "torsion";
import { brokerUrl } from "./broker-url.js";

const [severity = "info", ...words] = process.argv.slice(2);
const message = words.join(" ") || "Hello World!";
const connection = await connectAmqp(reactor, brokerUrl);
const channel = await connection.channel();
await channel.exchangeDeclare("direct_logs", "direct");
await channel.confirmSelect();
await channel.basicPublish("direct_logs", severity, message);
console.log(` [x] Sent ${severity}: '${message}'`);
await connection.close();
