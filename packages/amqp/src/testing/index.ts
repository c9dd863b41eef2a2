/**
 * `@torsion/amqp/testing`: a scripted in-memory broker for testing AMQP clients without
 * RabbitMQ.
 * @packageDocumentation
 */
export { FakeBroker, type FakeBrokerOptions, type ClientMethod } from "./fake-broker.js";
export { RabbitMQNode, rabbitmqAvailable, RABBITMQ_SERVER } from "./rabbitmq-node.js";
