/** @packageDocumentation AMQP 0-9-1 client (RabbitMQ) for Torsion. */
export const PACKAGE_NAME = "@torsion/amqp";
