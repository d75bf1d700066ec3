// A child of bench/scale.ts: exports one project (snapshot + format) and prints its time and peak memory.
import { openStore } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { type ExportFormat, exportTracker } from '../src/trackers/export-tracker.js';
import { elapsedMs, round } from './stats.js';

const [url, project, format] = process.argv.slice(2);
const store = await openStore(url, { poolMax: 2 });
try {
  const t0 = process.hrtime.bigint();
  const text = exportTracker(await new TaskBoard(store.db, { leaseSeconds: 900 }).snapshot(project), format as ExportFormat);
  const seconds = elapsedMs(t0) / 1000;
  console.log(JSON.stringify({ export_format: format, export_s: round(seconds, 1), export_mb: round(text.length / 2 ** 20, 0), peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 0) }));
} finally {
  await store.close();
}
