/** A seeded random task graph: the same ids and dependencies for every engine and tracker in a run. */
export type BenchTask = { id: string; description: string; priority: number; dependencies: string[] };

/** mulberry32: small, fast and good enough to make the same graph from the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const taskId = (i: number) => `T${i + 1}`;

/** Each task depends on 0–3 distinct earlier tasks, so the graph is acyclic; priorities 1–5. */
export function makeGraph(size: number, seed = 7): BenchTask[] {
  const random = seededRandom(seed + size);
  const tasks: BenchTask[] = [];
  for (let i = 0; i < size; i++) {
    const wanted = Math.min(i, Math.floor(random() * 4));
    const deps = new Set<string>();
    while (deps.size < wanted) deps.add(taskId(Math.floor(random() * i)));
    tasks.push({ id: taskId(i), description: `bench task ${i + 1}`, priority: 1 + Math.floor(random() * 5), dependencies: [...deps] });
  }
  return tasks;
}
