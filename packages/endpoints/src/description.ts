import type { EndpointArguments } from "@torsion/core";
import { EndpointSyntaxError } from "./errors.js";

/** A parsed description: the type (first positional), the other positionals, the keywords. */
export interface ParsedDescription extends EndpointArguments {
  /** The first positional parameter, as written (`""` for an empty description). */
  readonly type: string;
}

/**
 * Splits a description into positional and keyword parameters, with Twisted's grammar
 * (`endpoints._parse`):
 *
 * - `:` ends a parameter; within a parameter the first `=` splits key from value, and
 *   after that `=` only `:` is special (`a=b=c` is key `a`, value `b=c`).
 * - `\` makes the next character literal, wherever it is; a trailing `\` is an
 *   {@link EndpointSyntaxError}.
 * - A parameter without `=` is positional; keywords may come anywhere and a repeated
 *   keyword keeps its last value. `""` is one empty positional, `"x:"` is `["x", ""]`.
 * - Keyword names must be ASCII (Twisted raises `UnicodeEncodeError`); values may be
 *   any text.
 *
 * @returns every positional (the type first) and the keywords (a null-prototype object)
 */
export function parseArguments(description: string): { args: string[]; kwargs: Record<string, string> } {
  const args: string[] = [];
  const kwargs = Object.create(null) as Record<string, string>;
  let key: string | null = null;
  let current = "";
  const end = (): void => {
    if (key === null) args.push(current);
    else if (/[\x80-\uffff]/.test(key)) {
      throw new EndpointSyntaxError(`endpoint description keyword names must be ASCII: ${JSON.stringify(key)}`);
    } else kwargs[key] = current;
    key = null;
    current = "";
  };
  for (let i = 0; i < description.length; i++) {
    const c = description[i] as string;
    if (c === "\\") {
      i++;
      if (i >= description.length) {
        throw new EndpointSyntaxError(`endpoint description ends with an escaping backslash: ${JSON.stringify(description)}`);
      }
      current += description[i] as string;
    } else if (c === ":") {
      end();
    } else if (c === "=" && key === null) {
      key = current;
      current = "";
    } else {
      current += c;
    }
  }
  end();
  return { args, kwargs };
}

/** {@link parseArguments}, with the first positional taken as the type. */
export function parseDescription(description: string): ParsedDescription {
  const { args, kwargs } = parseArguments(description);
  const type = args.shift() ?? "";
  return { type, args, kwargs };
}

/**
 * Quotes `argument` for use as one value in a description (Twisted's
 * `quoteStringArgument`): puts a backslash before every `\` and `:`. `=` needs no quoting
 * inside a value.
 */
export function quoteStringArgument(argument: string): string {
  return argument.replace(/[\\:]/g, (c) => `\\${c}`);
}
