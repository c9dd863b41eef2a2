import type { ITransport } from "@torsion/core";

/**
 * Whether `transport` says it is closing: true when it exposes a `disconnecting`
 * property (as Torsion's TCP/Unix transports and `StringTransport` do) and that property
 * is `true`. A missing transport or one without the property counts as not closing.
 * The framing protocols check it before delivering each frame and stop delivering once
 * it is true (a real transport stops reading after `loseConnection`).
 */
export function isDisconnecting(transport: ITransport | null): boolean {
  if (transport === null) return false;
  return (transport as { readonly disconnecting?: unknown }).disconnecting === true;
}
