// One process of agents for bench/http-cpu-budget.ts (TASKLANE_BENCH_PROCESSES): forked with the server's
// URL and token, its agents' names and slots, the pace and its share of the warm-up. It connects its agents
// and says `ready`; on `go` they run; once they have run their warm-up it says `warm`; on `measure` it
// tallies; when the board is empty it sends its tally and its CPU time over the measured cycles, and exits.
import { httpClients } from './mcp-clients.js';
import { type AgentTally, runPacedAgent } from './paced-agent.js';

type Args = { url: string; token: string; names: string[]; slots: number[]; agents: number; rate: number; warmup: number };
const args = JSON.parse(process.argv[2]) as Args;
const send = (message: object) => process.send!(message);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const connect = httpClients(args.url, args.token);
const clients = await Promise.all(args.names.map((name) => connect(name)));
let measuring = false;
let cpuAtMeasure = 0;
let warmCycles = 0;
const tally: AgentTally = { cycles: 0, nextMs: [], late: 0 };
const started = new Promise<void>((resolve) => {
  process.on('message', (m: { type: string }) => {
    if (m.type === 'go') resolve();
    if (m.type === 'measure') {
      cpuAtMeasure = cpuMs();
      measuring = true;
    }
  });
});
send({ type: 'ready' });
await started;
await Promise.all(clients.map((client, i) => runPacedAgent(client, args.names[i], { slot: args.slots[i], agents: args.agents, rate: args.rate }, () => measuring, tally, () => {
  if (++warmCycles === args.warmup) send({ type: 'warm' });
})));
if (warmCycles < args.warmup) send({ type: 'warm' });
send({ type: 'done', tally, cpuMs: measuring ? cpuMs() - cpuAtMeasure : 0 });
await Promise.all(clients.map((c) => c.close()));
process.disconnect();
