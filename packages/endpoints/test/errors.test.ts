import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TorsionError } from "@torsion/defer";
import {
  EndpointArgumentError,
  EndpointDescriptionError,
  EndpointFileError,
  EndpointPrefixInUseError,
  EndpointReactorError,
  EndpointSyntaxError,
  EndpointValueError,
  NoProtocol,
  TLSNotAvailableError,
  UnknownEndpointTypeError,
} from "@torsion/endpoints";

describe("the endpoints errors", () => {
  const cases: [TorsionError, string, string, boolean][] = [
    [new EndpointSyntaxError("x"), "EndpointSyntaxError", "ERR_ENDPOINT_SYNTAX", true],
    [new UnknownEndpointTypeError("nosuch"), "UnknownEndpointTypeError", "ERR_UNKNOWN_ENDPOINT_TYPE", true],
    [new EndpointArgumentError("x"), "EndpointArgumentError", "ERR_ENDPOINT_ARGUMENT", true],
    [new EndpointValueError("port", "x", "a port"), "EndpointValueError", "ERR_ENDPOINT_VALUE", true],
    [new EndpointFileError("privateKey", "/k.pem", new Error("ENOENT")), "EndpointFileError", "ERR_ENDPOINT_FILE", true],
    [new EndpointReactorError("x"), "EndpointReactorError", "ERR_ENDPOINT_REACTOR", false],
    [new EndpointPrefixInUseError("x"), "EndpointPrefixInUseError", "ERR_ENDPOINT_PREFIX_IN_USE", false],
    [new NoProtocol(), "NoProtocol", "ERR_NO_PROTOCOL", false],
    [new TLSNotAvailableError(), "TLSNotAvailableError", "ERR_TLS_NOT_AVAILABLE", false],
  ];
  for (const [error, name, code, description] of cases) {
    it(`makes ${name} a TorsionError with code ${code}${description ? ", an EndpointDescriptionError" : ""}`, () => {
      assert.ok(error instanceof TorsionError);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error instanceof EndpointDescriptionError, description);
    });
  }

  it("name the endpoint type, the parameter and value, and the file with its cause", () => {
    assert.equal(new UnknownEndpointTypeError("nosuch").message, "Unknown endpoint type: 'nosuch'");
    const value = new EndpointValueError("port", "http", "a decimal integer");
    assert.deepEqual([value.parameter, value.value, value.message], ["port", "http", 'port="http": expected a decimal integer']);
    const cause = new Error("ENOENT");
    const file = new EndpointFileError("privateKey", "/k.pem", cause);
    assert.equal(file.path, "/k.pem");
    assert.equal(file.cause, cause);
    assert.match(file.message, /privateKey: cannot read "\/k\.pem": ENOENT/);
  });
});
