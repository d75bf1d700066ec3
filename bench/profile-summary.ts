/** A V8 .cpuprofile (what node --cpu-prof writes). */
export type CpuProfile = {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
};

const short = (url: string) => {
  const s = url.replace(/^file:\/\//, '');
  return s.includes('node_modules/') ? s.replace(/.*node_modules\//, '~') : s.replace(/.*\/dist\//, '');
};
/** The package a frame belongs to, `node:x` for node's own, the file for Tasklane's. */
function groupOf(url: string, fn: string): string {
  if (!url) return fn || '(native)';
  const s = short(url);
  if (s.startsWith('~')) {
    const parts = s.slice(1).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (s.startsWith('node:')) return s.split('/')[0];
  return s;
}

/**
 * Self time by package and by function over the samples taken between from and to (process.hrtime
 * values: V8's profile clock is the same monotonic clock), per cycle.
 */
export function summariseProfile(profile: CpuProfile, window: { from: bigint; to: bigint; cycles: number; top: number }): string {
  const from = Number(window.from / 1000n);
  const to = Number(window.to / 1000n);
  const byNode = new Map<number, number>();
  let at = profile.startTime;
  let idle = 0;
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < from || at > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0; // a sample stands for the time until the next one
    if (idleIds.has(profile.samples[i])) idle += dt;
    else byNode.set(profile.samples[i], (byNode.get(profile.samples[i]) ?? 0) + dt);
  }
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of byNode) {
    const { callFrame: f } = nodes.get(id)!;
    busy += us;
    const g = groupOf(f.url, f.functionName);
    groups.set(g, (groups.get(g) ?? 0) + us);
    const name = `${f.functionName || '(anonymous)'} ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const perCycle = (us: number) => `${(us / 1000 / window.cycles).toFixed(3).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`busy ${(busy / 1000 / window.cycles).toFixed(3)} ms a cycle, idle ${(idle / 1000 / window.cycles).toFixed(3)} ms a cycle`, '-- self time by package'];
  for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`${perCycle(us)}  ${g}`);
  lines.push('-- by stage (the first of these found on the stack, in this order; else the leaf\'s package)');
  for (const [g, us] of [...stages(profile, byNode, nodes)].sort((a, b) => b[1] - a[1])) lines.push(`${perCycle(us)}  ${g}`);
  lines.push('-- self time by function');
  for (const [f, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, window.top)) lines.push(`${perCycle(us)}  ${f}`);
  // Inclusive time: a sample counts once for every distinct function on its stack.
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of byNode) {
    const seen = new Set<string>();
    for (let x: number | undefined = id; x !== undefined; x = parents.get(x)) {
      const f = nodes.get(x)!.callFrame;
      if (!f.url) continue;
      seen.add(`${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  lines.push('-- inclusive time by function');
  for (const [f, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, window.top * 2)) lines.push(`${perCycle(us)}  ${f}`);
  return lines.join('\n');
}

/** Stages of a call, recognised by a frame on the stack (function name and file); the first that matches wins. */
const STAGES: Array<[string, RegExp]> = [
  ['write to a socket or pipe (syscall)', /^(writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString) $/],
  ['PGlite: the database (wasm)', /^execProtocolRawSync /],
  ['PGlite: wire protocol in JS', /@electric-sql\/pglite\/dist\/chunk-EP7/],
  ['pg: driver and protocol', /~(pg|pg-protocol|pg-pool)\//],
  ['kysely: compiling queries', /~kysely\//],
  ['tool output validated (SDK)', /^validateToolOutput /],
  ['tool input validated', /^(validateToolInput|checkArguments) /],
  ['zod: JSON-RPC messages and requests (SDK schemas)', /~zod\//],
  ['JSON.parse / stringify', /^(parse|stringify) $/],
  ['rendering text', /src\/mcp\/render/],
  ['task views', /src\/tasks\/task-view/],
  ['logging', /~(pino|thread-stream|sonic-boom)\/|src\/transports\/http-log/],
  ['read from a socket or pipe', /^onStreamRead /],
  ['engine (src/tasks, src/db)', /src\/(tasks|db)\//],
  ['hono: node to web request/response', /~@hono\//],
  ['SDK: streamable HTTP transport', /sdk\/dist\/esm\/server\/(webStandardStreamableHttp|streamableHttp)/],
  ['express, router, body parser, auth/host checks', /~(express|router|body-parser|raw-body)\/|sdk\/dist\/esm\/server\/(auth|middleware)|src\/transports\/http/],
  ['node http', /node:_http_/],
  ['line framing and transport', /src\/transports\/line-/],
  ['SDK: protocol and McpServer', /@modelcontextprotocol\/sdk/],
];

function stages(profile: CpuProfile, byNode: Map<number, number>, nodes: Map<number, CpuProfile['nodes'][number]>): Map<string, number> {
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const out = new Map<string, number>();
  for (const [id, us] of byNode) {
    const frames: string[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parents.get(x)) {
      const f = nodes.get(x)!.callFrame;
      frames.push(`${f.functionName} ${short(f.url)}`);
    }
    const stage = STAGES.find(([, re]) => frames.some((f) => re.test(f)))?.[0];
    const leaf = nodes.get(id)!.callFrame;
    const name = stage ?? `other: ${groupOf(leaf.url, leaf.functionName)}`;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

// npx tsx bench/profile-summary.ts <file.cpuprofile> [from-µs to-µs cycles]: summarise a kept profile again.
if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const fs = await import('node:fs');
  const [file, from, to, cycles] = process.argv.slice(2);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const window = from ? { from: BigInt(from) * 1000n, to: BigInt(to) * 1000n, cycles: Number(cycles) } : { from: 0n, to: 10n ** 30n, cycles: 1 };
  console.log(summariseProfile(profile, { ...window, top: 45 }));
}
