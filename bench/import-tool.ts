// npm run bench:import [-- --sizes=20000,100000 --pglite=10000 --mcp-max=20000]
// Issue 17's import target, timed through import_tracker: a generated task-breakdown.json (a chain: task
// i depends on task i-1; statuses done, in-progress, pending) pretty-printed and on one line, imported
// into a fresh project, then imported again unchanged. `tool` runs what the tool's handler runs (parse,
// boards, one import transaction); `mcp` calls the tool over the SDK's in-memory transport, for the
// files within its content limit (5,000,000 characters). Postgres is TASKLANE_BENCH_DATABASE_URL or a
// fresh database on the local server.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Store } from '../src/db/open.js';
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { LessonBook } from '../src/lessons/lesson-book.js';
import { createLogger } from '../src/log.js';
import { createMcpServer } from '../src/mcp/server.js';
import { TaskBoard } from '../src/tasks/board.js';
import { boardProjects } from '../src/trackers/board-projects.js';
import { combineImports } from '../src/trackers/import-summary.js';
import { parseTrackerBoards } from '../src/trackers/parse-tracker.js';
import { withPgliteStore, withServerStore } from './databases.js';
import { elapsedMs, round } from './stats.js';
import { TRACKER_SAMPLES } from './tracker-files.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const sizesOf = (text: string) => text.split(',').filter(Boolean).map(Number);
const SERVER_SIZES = sizesOf(arg('sizes', '100000'));
const PGLITE_SIZES = sizesOf(arg('pglite', '10000'));
const MCP_MAX = Number(arg('mcp-max', '20000'));
const CONTENT_LIMIT = 5_000_000;
const SAMPLES = TRACKER_SAMPLES.filter((s) => s.format === 'task-breakdown-json');

type Importer = (project: string, content: string) => Promise<{ created: number; unchanged: number }>;

/** What import_tracker's handler runs, without the transport. */
const throughTool = (board: TaskBoard): Importer => async (project, content) => {
  const boards = parseTrackerBoards(content);
  return combineImports(await board.importBoards(boardProjects(project, boards), { actor: 'bench' }), boards.map((b) => b.tag));
};

/** The tool over MCP: the real server in process, the SDK's client. */
async function throughMcp(store: Store, board: TaskBoard) {
  const lessons = new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null });
  const server = createMcpServer({ board, lessons, log: createLogger('silent'), defaultProject: 'bench' });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(clientSide);
  const call: Importer = async (project, content) => {
    const result = await client.callTool({ name: 'import_tracker', arguments: { project, content } }, undefined, { timeout: 600_000 });
    if (result.isError) throw new Error(JSON.stringify(result.content).slice(0, 500));
    return result.structuredContent as { created: number; unchanged: number };
  };
  return { call, close: async () => { await client.close(); await server.close(); } };
}

async function measure(engine: string, path: string, importer: Importer, layout: string, content: string, n: number) {
  const project = `import-${engine}-${path}-${n}-${layout.replace(' ', '-')}-${Date.now()}`;
  const t0 = process.hrtime.bigint();
  const first = await importer(project, content);
  const firstMs = elapsedMs(t0);
  const t1 = process.hrtime.bigint();
  const again = await importer(project, content);
  const againMs = elapsedMs(t1);
  if (first.created !== n || again.unchanged !== n) throw new Error(`import: ${JSON.stringify({ first: first.created, again: again.unchanged })}`);
  const row = { engine, path, tasks: n, layout, mb: round(content.length / 1e6, 1), first_s: round(firstMs / 1000, 2), per_s: round(n / (firstMs / 1000), 0), reimport_ratio: round(againMs / firstMs, 2) };
  console.log(JSON.stringify(row));
  return row;
}

async function run(engine: string, store: Store, sizes: number[]) {
  const board = new TaskBoard(store.db, { leaseSeconds: 900, attachLessons: false });
  const mcp = await throughMcp(store, board);
  const rows = [];
  try {
    await measure(engine, 'tool', throughTool(board), 'warm-up', SAMPLES[0].make(1000) as string, 1000);
    for (const n of sizes) {
      for (const sample of SAMPLES) {
        const content = sample.make(n) as string;
        rows.push(await measure(engine, 'tool', throughTool(board), sample.layout, content, n));
        if (n <= MCP_MAX && content.length <= CONTENT_LIMIT) rows.push(await measure(engine, 'mcp', mcp.call, sample.layout, content, n));
      }
    }
  } finally {
    await mcp.close();
  }
  return rows;
}

const rows = [];
console.log(JSON.stringify({ load: (await import('node:os')).loadavg() }));
if (SERVER_SIZES.length) rows.push(...(await withServerStore(4, (store) => run('postgres', store, SERVER_SIZES))));
if (PGLITE_SIZES.length) rows.push(...(await withPgliteStore((store) => run('pglite', store, PGLITE_SIZES))));
console.table(rows);
