import type { RoundResult } from './cycle-runner.js';
import { type Latency, round, summarise } from './stats.js';

export type CellResult = { cycles: number; seconds: number; cycles_per_s: number; latency: Latency; rounds: number; empty_claims: number };

export type Plan = { cycles: number; warmup: number; graphSize: number };

/** A round never takes more than this share of the graph, so the ready set never runs dry. */
const ROUND_SHARE = 0.7;

/**
 * Measures `plan.cycles` cycles in as many rounds as the graph allows: each round starts from the
 * reset graph, warms up, then measures. Small graphs take several rounds; 100k takes one.
 */
export async function measureInRounds(
  reset: () => Promise<void>,
  runOnce: (warmup: number, measure: number) => Promise<RoundResult>,
  plan: Plan,
): Promise<CellResult> {
  const capacity = Math.floor(plan.graphSize * ROUND_SHARE);
  const warmup = Math.min(plan.warmup, Math.floor(capacity / 5));
  const latencies: number[] = [];
  let seconds = 0;
  let rounds = 0;
  let emptyClaims = 0;
  while (latencies.length < plan.cycles) {
    await reset();
    const measure = Math.min(plan.cycles - latencies.length, capacity - warmup);
    const r = await runOnce(warmup, measure);
    if (r.cycles === 0) throw new Error(`a round measured no cycles (graph of ${plan.graphSize}, warm-up ${warmup})`);
    latencies.push(...r.latenciesMs);
    seconds += r.seconds;
    emptyClaims += r.emptyClaims;
    rounds++;
  }
  return {
    cycles: latencies.length,
    seconds: round(seconds, 3),
    cycles_per_s: round(latencies.length / seconds, 1),
    latency: summarise(latencies),
    rounds,
    empty_claims: emptyClaims,
  };
}
