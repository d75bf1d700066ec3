// Memory held per HTTP session, and freed by the idle timeout.
// Run: node --expose-gc --import tsx bench/http-sessions.ts [sessions]
import { detectSearchCapabilities } from '../src/db/search-capabilities.js';
import { LessonBook } from '../src/lessons/lesson-book.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openStore } from '../src/db/open.js';
import { createLogger } from '../src/log.js';
import { TaskBoard } from '../src/tasks/board.js';
import { createHttpServer } from '../src/transports/http.js';

const N = Number(process.argv[2] ?? 500);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const store = await openStore('memory://');
await migrateToLatest(store.db);
const server = createHttpServer(
  { board: new TaskBoard(store.db, { leaseSeconds: 900 }), lessons: new LessonBook(store.db, { capabilities: await detectSearchCapabilities(store.db), embeddings: null }), store, log: createLogger('silent'), defaultProject: 'bench' },
  { host: '127.0.0.1', port: 0, sessionIdleSeconds: 2 },
);
const { url } = await server.listen();
const init = (i: number) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `c${i}`, version: '1' } } }),
  }).then((r) => r.text());

await init(-1); // warm up the code paths
await new Promise((r) => setTimeout(r, 3000));
const before = heapMiB();
for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, j) => init(i + j)));
const open = server.sessionCount();
const during = heapMiB();
const started = Date.now();
while (server.sessionCount() > 0) await new Promise((r) => setTimeout(r, 100));
const expiredAfter = (Date.now() - started) / 1000;
const after = heapMiB();
console.log(
  JSON.stringify({ sessions: open, heap_before_mib: +before.toFixed(1), heap_with_sessions_mib: +during.toFixed(1), kib_per_session: Math.round(((during - before) * 1024) / open), heap_after_expiry_mib: +after.toFixed(1), expired_within_s: +expiredAfter.toFixed(1) }),
);
await server.close();
await store.close();
