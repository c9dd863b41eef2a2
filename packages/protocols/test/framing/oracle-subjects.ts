/**
 * The test protocols of FORMAT.md §3.4-§3.7, built from a vector's `config`.
 */
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
  type IntNStringReceiver,
} from "@torsion/protocols";
import { b64, Recorder, RecordingTransport, unb64, type Subject, type SubjectBuilder } from "./oracle-harness.js";

const RAW_COMMAND = /^RAW ([0-9]{1,9})$/;

class OracleLineReceiver extends LineReceiver {
  rawRemaining = 0;
  constructor(
    readonly recorder: Recorder,
    readonly rawScript: boolean,
    delimiter: Buffer,
    maxLength: number,
  ) {
    super({ delimiter, maxLength });
  }
  override lineReceived(line: Buffer): void {
    this.recorder.record(["line", b64(line)]);
    const match = this.rawScript ? RAW_COMMAND.exec(line.toString("latin1")) : null;
    if (match !== null) {
      this.rawRemaining = Number.parseInt(match[1] as string, 10);
      this.setRawMode();
    }
  }
  override rawDataReceived(data: Buffer): void {
    this.recorder.record(["raw", b64(data)], ["raw", b64(data.subarray(0, this.rawRemaining))]);
    if (data.length < this.rawRemaining) {
      this.rawRemaining -= data.length;
      return;
    }
    const rest = data.subarray(this.rawRemaining);
    this.rawRemaining = 0;
    this.setLineMode(rest);
  }
  override lineLengthExceeded(line: Buffer): void {
    this.recorder.record(["lineLengthExceeded", b64(line)]);
    super.lineLengthExceeded(line);
  }
}

class OracleLineOnlyReceiver extends LineOnlyReceiver {
  constructor(
    readonly recorder: Recorder,
    delimiter: Buffer,
    maxLength: number,
  ) {
    super({ delimiter, maxLength });
  }
  override lineReceived(line: Buffer): void {
    this.recorder.record(["line", b64(line)]);
  }
  override lineLengthExceeded(line: Buffer): void {
    this.recorder.record(["lineLengthExceeded", b64(line)]);
    super.lineLengthExceeded(line);
  }
}

class OracleNetstringReceiver extends NetstringReceiver {
  constructor(
    readonly recorder: Recorder,
    maxLength: number,
  ) {
    super({ maxLength });
  }
  override stringReceived(data: Buffer): void {
    this.recorder.record(["string", b64(data)]);
  }
}

type IntNClass = new (options: { maxLength?: number }) => IntNStringReceiver;

/** The Int*N* test protocol of §3.7 (handlers set on the instance, which overrides the class's). */
function oracleIntN(Base: IntNClass, recorder: Recorder, maxLength: number): IntNStringReceiver {
  const protocol = new Base({ maxLength });
  const defaultLimit = protocol.lengthLimitExceeded.bind(protocol);
  protocol.stringReceived = (data: Buffer): void => recorder.record(["string", b64(data)]);
  protocol.lengthLimitExceeded = (length: number): void => {
    recorder.record(["lengthLimitExceeded", length]);
    defaultLimit(length);
  };
  return protocol;
}

const INT_CLASSES: Readonly<Record<string, IntNClass>> = {
  Int8StringReceiver,
  Int16StringReceiver,
  Int32StringReceiver,
};

/** Builds the protocol a framing vector's `config` describes, connected to a recorder. */
export const buildSubject: SubjectBuilder = (config) => {
  const recorder = new Recorder();
  const transport = new RecordingTransport(recorder);
  const maxLength = config.MAX_LENGTH as number;
  const cls = config.class as string;
  let protocol: LineReceiver | LineOnlyReceiver | NetstringReceiver | IntNStringReceiver;
  let finalState: () => Record<string, number> | undefined = () => undefined;
  let send: (method: string, data: Buffer) => void;
  if (cls === "LineReceiver") {
    const p = new OracleLineReceiver(recorder, config.rawScript === true, unb64(config.delimiter as string), maxLength);
    finalState = () => ({ lineMode: p.lineMode ? 1 : 0 });
    send = (method, data) => (method === "sendLine" ? p.sendLine(data) : unknownMethod(method));
    protocol = p;
  } else if (cls === "LineOnlyReceiver") {
    const p = new OracleLineOnlyReceiver(recorder, unb64(config.delimiter as string), maxLength);
    send = (method, data) => (method === "sendLine" ? p.sendLine(data) : unknownMethod(method));
    protocol = p;
  } else if (cls === "NetstringReceiver") {
    const p = new OracleNetstringReceiver(recorder, maxLength);
    finalState = () => ({ brokenPeer: p.brokenPeer ? 1 : 0 });
    send = (method, data) => (method === "sendString" ? p.sendString(data) : unknownMethod(method));
    protocol = p;
  } else {
    const Base = INT_CLASSES[cls];
    if (Base === undefined) throw new Error(`unknown class ${cls}`);
    const p = oracleIntN(Base, recorder, maxLength);
    send = (method, data) => (method === "sendString" ? p.sendString(data) : unknownMethod(method));
    protocol = p;
  }
  protocol.makeConnection(transport);
  const subject: Subject = {
    recorder,
    transport,
    dataReceived: (data) => protocol.dataReceived(data),
    finalState,
    send,
  };
  return subject;
};

function unknownMethod(method: string): never {
  throw new Error(`unknown send method ${method}`);
}
