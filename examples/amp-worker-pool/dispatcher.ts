// Worker pool over AMP: waits for WORKERS worker processes to connect, hands them TASKS
// CountPrimes tasks (each worker gets the next task as soon as it answers the previous one),
// prints each result and a summary, then stops.
//   node examples/dist/amp-worker-pool/dispatcher.js PORT WORKERS TASKS
//   node examples/dist/amp-worker-pool/worker.js PORT        (start WORKERS of these)
import { reactor, AMP, Factory } from "torsion";
import { CountPrimes } from "./count-primes.js";

const [port = "0", workersText = "2", tasksText = "10"] = process.argv.slice(2);
const workers = Number(workersText);
const tasks = Array.from({ length: Number(tasksText) }, (_, i) => 10_000 * (i + 1));
const connected: AMP[] = [];
const perWorker = new Map<number, number>();

async function drain(worker: AMP): Promise<void> {
  for (let task = tasks.shift(); task !== undefined; task = tasks.shift()) {
    const { count, worker: pid } = await worker.callRemote(CountPrimes, { below: task });
    perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
    console.log(`primes below ${task}: ${count} (worker ${pid})`);
  }
}

async function dispatch(): Promise<void> {
  const total = tasks.length;
  await Promise.all(connected.map(drain));
  console.log(`done: ${total} tasks on ${perWorker.size} workers (${[...perWorker.values()].join(", ")})`);
  for (const worker of connected) worker.transport?.loseConnection();
  await reactor.stop();
}

class Worker extends AMP {
  override connectionMade(): void {
    super.connectionMade();
    connected.push(this);
    if (connected.length === workers) {
      dispatch().catch((error: unknown) => {
        console.error(`dispatch failed: ${String(error)}`);
        process.exitCode = 1;
        reactor.stop();
      });
    }
  }
}

const listening = reactor.listenTCP(Number(port), Factory.forProtocol(Worker), { interface: "127.0.0.1" });
reactor.callWhenRunning(() => console.log(`listening on ${(listening.getHost() as unknown as { port: number }).port}`));
void reactor.run();
