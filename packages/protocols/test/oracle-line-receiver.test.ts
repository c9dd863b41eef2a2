import { runFramingSuite } from "./framing/oracle-runner.js";

/**
 * Every line-receiver vector must match Twisted 22.4 exactly in realistic mode, with
 * per-chunk attribution and `final.lineMode`: no deviations. That includes the argument of
 * `lineLengthExceeded`, which follows Twisted's rule (the over-long line, its delimiter
 * and everything else buffered, or the whole delimiter-less buffer once it reaches
 * MAX_LENGTH + len(delimiter)) and so depends on chunking exactly as Twisted's does.
 * Twisted's LineReceiver never rejects a valid line, whatever the chunking, so there is
 * no chunk-dependent behaviour on valid input to deviate from.
 */
runFramingSuite("line-receiver", {}, { mergeType: "raw" });
