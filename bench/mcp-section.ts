import { runRound } from './cycle-runner.js';
import { makeGraph } from './graph.js';
import { httpClients, type McpClientFactory, startHttpServer, stdioClients } from './mcp-clients.js';
import { connectAgents, writeGraphOverMcp } from './mcp-cycles.js';
import type { BenchEngine, BenchOptions } from './options.js';
import type { BenchResults } from './results.js';
import { summarise, round } from './stats.js';

const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * get_next_task + mark_task_status end to end over MCP, through any client factory (stdio: a process
 * per agent; HTTP: agents sharing one server).
 */
export async function benchMcp(
  results: BenchResults, options: BenchOptions, transport: string, engine: BenchEngine, factory: McpClientFactory, agents = 1,
  serverCpuMs?: () => number | undefined,
) {
  const size = Math.max(1_000, Math.ceil((options.mcpCycles + options.warmup) / 0.7));
  const team = await connectAgents(factory, agents);
  try {
    // The first agent loads: with memory:// each stdio process has its own database.
    await writeGraphOverMcp(team.clients[0], makeGraph(size, options.seed));
    // Warm-up cycles run first, unmeasured: the servers' code is cold until then. The CPU figures leave
    // them out too (all but the few still in flight when the clock starts, at most one an agent).
    let server0: number | undefined;
    let clients0 = process.cpuUsage();
    const r = await runRound(team.cycle, agents, options.warmup, options.mcpCycles, () => {
      [server0, clients0] = [serverCpuMs?.(), process.cpuUsage()];
    });
    // get_next_task alone, after the warm-up (the first calls of each agent are left out with it).
    const nextCalls = team.nextMs.slice(options.warmup);
    const clients = process.cpuUsage(clients0);
    const server1 = serverCpuMs?.();
    const perCycle = (ms: number) => round(ms / r.cycles, 2);
    const cpu = server0 !== undefined && server1 !== undefined
      ? { cpu_ms_per_cycle: { server: perCycle(server1 - server0), clients: perCycle((clients.user + clients.system) / 1000) } }
      : {};
    const cell = {
      transport, engine, size, workers: agents, cycles: r.cycles, seconds: round(r.seconds, 3),
      cycles_per_s: round(r.cycles / r.seconds, 1), latency: summarise(r.latenciesMs), get_next_task: summarise(nextCalls), rounds: 1, empty_claims: r.emptyClaims, ...cpu,
    };
    results.mcp.push(cell);
    const spent = cell.cpu_ms_per_cycle;
    const cpuLine = spent ? `; CPU a cycle: server ${spent.server} ms, clients ${spent.clients} ms` : '';
    log(`mcp ${transport} ${engine} ×${agents}: ${cell.cycles_per_s}/s p50 ${cell.latency.p50_ms} ms p99 ${cell.latency.p99_ms} ms; get_next_task p50 ${cell.get_next_task.p50_ms} ms p99 ${cell.get_next_task.p99_ms} ms${cpuLine}`);
  } finally {
    await team.close();
  }
}

/** Each run gets its own project, so the stdio servers on a shared Postgres start from an empty board. */
export function stdioFactory(engine: BenchEngine, serverUrl: string | undefined): McpClientFactory {
  const url = engine === 'postgres' ? serverUrl! : 'memory://';
  return stdioClients(url, `bench-mcp-${engine}-${Date.now()}`);
}

/** One `tasklane serve --http` per cell (its own project), with 1 agent and with the most workers asked for. */
export async function benchMcpOverHttp(results: BenchResults, options: BenchOptions, engine: BenchEngine, serverUrl: string | undefined) {
  const url = engine === 'postgres' ? serverUrl! : 'memory://';
  for (const agents of [...new Set([1, Math.max(...options.workers)])]) {
    const server = await startHttpServer(url, `bench-mcp-http-${engine}-${agents}-${Date.now()}`);
    try {
      await benchMcp(results, options, 'http', engine, httpClients(server.url, server.token), agents, () => server.cpuMs());
    } finally {
      await server.stop();
    }
  }
}
