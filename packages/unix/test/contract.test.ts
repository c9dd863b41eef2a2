import { describeStreamTransport } from "../../stream/dist-test/stream-contract.js";
import { unixPairMaker } from "./unix-pair.js";

describeStreamTransport("Unix, onread fast path", unixPairMaker({ fastPath: true }));
describeStreamTransport("Unix, onread fast path with rewrapped 'connection' sockets", unixPairMaker({ fastPath: true, fastAccept: false }));
describeStreamTransport("Unix, 'data' event fallback", unixPairMaker({ fastPath: false }));
