import { runFramingSuite } from "./framing/oracle-runner.js";

/**
 * Every int-prefixed vector must match Twisted 22.4 exactly in realistic mode, with per-chunk
 * attribution: Twisted's Int8/16/32StringReceiver behaviour before the
 * first `loseConnection` does not depend on chunking, so there are no deviations.
 */
runFramingSuite("int-prefixed", {});
