/**
 * The reference echo servers measured beside raw node:net and Torsion, each when it can
 * run here: `onread` (our raw node:net server with onread reads), `zero-copy` (Torsion's
 * echo example with `--zero-copy`: its borrowing protocol, the opt-in path), Python `twisted`,
 * `asyncio` and `uvloop` (the yardstick's servers in ../shared/bench/servers, run from
 * there as they are, with /usr/bin/python3) and `c-epoll` (the yardstick's C server,
 * compiled into bench/.build). Chosen with REFS (space/comma list; "" for none).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildCEpollEcho } from "./c-tools.js";
import type { BenchContext } from "./context.js";
import { benchScript, exists, SHARED_BENCH, TORSION_ECHO_JS } from "./paths.js";

/** An echo server command (the port or socket path is appended). */
export interface EchoServer {
  readonly name: string;
  readonly cmd: readonly string[];
  /** Run only the first workload of each transport (smoke mode: the launcher works). */
  readonly firstOnly?: boolean;
}

/** Every reference, in run order. */
export const ALL_REFS = ["onread", "zero-copy", "twisted", "asyncio", "uvloop", "c-epoll"] as const;

const PYTHON = "/usr/bin/python3";

function pythonHas(module: string): boolean {
  return exists(PYTHON) && spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

/** The REFS selection; throws on an unknown name. */
export function selectedRefs(): string[] {
  const raw = process.env.REFS;
  if (raw === undefined) return [...ALL_REFS];
  const names = raw.split(/[\s,]+/).filter((n) => n !== "");
  const bad = names.filter((n) => !(ALL_REFS as readonly string[]).includes(n));
  if (bad.length > 0) throw new Error(`unknown REFS ${bad.join(", ")}; known: ${ALL_REFS.join(" ")}`);
  return names;
}

/** The selected references that can run here; each missing one is reported once through `ctx.log`. */
export async function referenceServers(ctx: BenchContext): Promise<EchoServer[]> {
  const out: EchoServer[] = [];
  const firstOnly = ctx.config.smoke ? { firstOnly: true } : {};
  const py = (script: string): string => path.join(SHARED_BENCH, "servers", script);
  for (const name of selectedRefs()) {
    if (name === "onread") out.push({ name, cmd: [process.execPath, benchScript("servers/raw-onread-echo.js")], ...firstOnly });
    else if (name === "zero-copy") out.push({ name, cmd: [process.execPath, TORSION_ECHO_JS, "--zero-copy"], ...firstOnly });
    else if (name === "twisted") {
      if (pythonHas("twisted.internet.epollreactor") && exists(py("twisted-echo.py")))
        out.push({ name, cmd: [PYTHON, py("twisted-echo.py")], ...firstOnly });
      else ctx.log(`reference twisted skipped: ${PYTHON} with Twisted or ${py("twisted-echo.py")} missing`);
    } else if (name === "asyncio" || name === "uvloop") {
      const ok = exists(py("asyncio-echo.py")) && (name === "asyncio" ? exists(PYTHON) : pythonHas("uvloop"));
      if (ok) out.push({ name, cmd: [PYTHON, py("asyncio-echo.py"), ...(name === "uvloop" ? ["--uvloop"] : [])], ...firstOnly });
      else ctx.log(`reference ${name} skipped: ${PYTHON}${name === "uvloop" ? " with uvloop" : ""} or asyncio-echo.py missing`);
    } else {
      const tool = await buildCEpollEcho();
      if (tool.ok) out.push({ name, cmd: [tool.path], ...firstOnly });
      else ctx.log(`reference c-epoll skipped: ${tool.reason}`);
    }
  }
  return out;
}
