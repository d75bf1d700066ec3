// A child of bench/scale.ts: streams the export of one project (as `tasklane export` does) to /dev/null
// and prints its time, size and peak memory.
import { openStore } from '../src/db/open.js';
import { TaskBoard } from '../src/tasks/board.js';
import { type ExportFormat, TRACKER_FORMATS } from '../src/trackers/export-tracker.js';
import { writeStreamed } from '../src/trackers/tracker-files.js';
import { elapsedMs, round } from './stats.js';

const [url, project, format] = process.argv.slice(2);
const store = await openStore(url, { poolMax: 2 });
try {
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  const board = new TaskBoard(store.db, { leaseSeconds: 900 });
  await writeStreamed('/dev/null', (sink) => board.exportTo(project, TRACKER_FORMATS[format as ExportFormat], (text) => ((bytes += Buffer.byteLength(text)), sink(text))));
  const seconds = elapsedMs(t0) / 1000;
  console.log(JSON.stringify({ export_format: format, export_s: round(seconds, 1), export_mb: round(bytes / 2 ** 20, 0), peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 0) }));
} finally {
  await store.close();
}
