import { DeviationReason, runFramingSuite } from "./framing/oracle-runner.js";

const VALID = DeviationReason.validLineRejectedByTwisted;
const LATE = DeviationReason.overlongDetectedAfterPartialDelimiter;

/**
 * Vectors where Torsion's LineOnlyReceiver differs from Twisted 22.4 in realistic mode
 * (FORMAT.md §3.8). All other vectors match exactly, including every
 * `lineLengthExceeded` argument (Twisted's rule: the whole over-long line, or the whole
 * unfinished line buffered so far). Each listed vector is the same situation: the
 * chunk Twisted disconnects in ends with MAX_LENGTH line bytes and `\r` (the first byte
 * of the `\r\n` delimiter), and Twisted's partial-line check, which counts that `\r`,
 * rejects the line. Torsion does not count a possible delimiter start and decides on
 * the next byte:
 * - VALID: the next byte is `\n`, so the input is valid: Torsion delivers the
 *   MAX_LENGTH-byte line (the result of the same bytes in one chunk); Twisted rejects it.
 * - LATE (0074 only): the next byte is another `\r`, so this line is really longer
 *   than MAX_LENGTH, but nothing Twisted had read when it gave up shows that: up to that
 *   chunk the bytes are the same as in a VALID vector, so matching Twisted here would
 *   mean rejecting the VALID lines too. Torsion reports the line one chunk later, when
 *   the `\r` shows it is too long, with Twisted's argument rule at that moment (the
 *   buffered line, `oUu0Kñ9½\r\r`; Twisted passed `oUu0Kñ9½\r`).
 * The runner checks each reason against the bytes, that Torsion follows a model of
 * Twisted's parser in everything but that one check, and chunk invariance (the whole
 * result for VALID, the lines and the report for LATE).
 */
const DEVIATIONS: Readonly<Record<string, DeviationReason>> = {
  "line-only-receiver-0011": VALID,
  "line-only-receiver-0029": VALID,
  "line-only-receiver-0033": VALID,
  "line-only-receiver-0034": VALID,
  "line-only-receiver-0038": VALID,
  "line-only-receiver-0049": VALID,
  "line-only-receiver-0054": VALID,
  "line-only-receiver-0056": VALID,
  "line-only-receiver-0063": VALID,
  "line-only-receiver-0085": VALID,
  "line-only-receiver-0089": VALID,
  "line-only-receiver-0090": VALID,
  "line-only-receiver-0115": VALID,
  "line-only-receiver-0074": LATE,
};

runFramingSuite("line-only-receiver", DEVIATIONS);
