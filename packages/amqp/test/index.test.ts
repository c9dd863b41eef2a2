import { strict as assert } from "node:assert";
import { test } from "node:test";
import { PACKAGE_NAME } from "@torsion/amqp";

test("the package entry point loads and names itself", () => {
  assert.equal(PACKAGE_NAME, "@torsion/amqp");
});
