import { runFramingSuite } from "./framing/oracle-runner.js";

/**
 * Every netstring vector must match Twisted 22.4 exactly in realistic mode, with per-chunk
 * attribution and `final.brokenPeer`: Twisted's NetstringReceiver behaviour before the
 * first `loseConnection` does not depend on chunking, so there are no deviations.
 */
runFramingSuite("netstring", {});
