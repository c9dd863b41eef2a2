// Keeps a command running, restarting it with backoff when it exits (Twisted's procmon).
//   node examples/dist/process-monitor/main.js [--min-delay S] [--max-delay S] -- COMMAND [ARGS...]
// Ctrl-C (or SIGTERM) stops the command and the monitor.
import { reactor } from "torsion";
import { ProcessMonitor } from "./process-monitor.js";

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const flags = split < 0 ? [] : argv.slice(0, split);
const command = split < 0 ? argv : argv.slice(split + 1);
const flag = (name: string, fallback: number): number => {
  const index = flags.indexOf(name);
  return index < 0 ? fallback : Number(flags[index + 1]);
};
if (command.length === 0) {
  console.error("usage: main.js [--min-delay S] [--max-delay S] -- COMMAND [ARGS...]");
  process.exit(2);
}

const monitor = new ProcessMonitor(reactor, {
  minRestartDelay: flag("--min-delay", 1),
  maxRestartDelay: flag("--max-delay", 60),
  threshold: flag("--threshold", 1),
});
monitor.addProcess("child", command);
reactor.addSystemEventTrigger("before", "shutdown", () => monitor.stopService());
reactor.callWhenRunning(() => {
  console.log("monitor running");
  monitor.startService();
});
void reactor.run();
