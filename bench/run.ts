import fs from 'node:fs';
import path from 'node:path';
import { serverDatabase, type BenchDatabase } from './databases.js';
import { benchSize } from './engine-section.js';
import { describeMachine } from './machine.js';
import { benchMcp, benchMcpOverHttp, stdioFactory } from './mcp-section.js';
import { parseOptions } from './options.js';
import { pgbenchAvailable } from './pgbench-run.js';
import { computeRatios, renderTable } from './report.js';
import type { BenchResults } from './results.js';
import { round } from './stats.js';
import { benchTaskmaster } from './taskmaster-section.js';

const PGLITE_VERSION = '0.5.14';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = new Date();
  const needsServer = options.engines.includes('postgres');
  const server: BenchDatabase | undefined = needsServer ? await serverDatabase() : undefined;
  const notes: string[] = [];
  if (options.sections.includes('pgbench') && !(await pgbenchAvailable())) {
    options.sections = options.sections.filter((s) => s !== 'pgbench');
    notes.push('pgbench not found: no ceiling measured (set TASKLANE_BENCH_PGBENCH)');
  }
  const results: BenchResults = {
    started_at: started.toISOString(), seconds: 0, machine: await describeMachine(server?.url, PGLITE_VERSION), options,
    loads: [], engine: [], pgbench: [], mcp: [], taskmaster: [], ratios: {}, notes,
  };
  try {
    if (options.sections.includes('engine') || options.sections.includes('pgbench')) {
      for (const size of options.sizes) {
        for (const engine of options.engines) {
          if (engine === 'pglite' && !options.sections.includes('engine')) continue;
          await benchSize(results, options, engine, size, server?.url);
        }
      }
    }
    if (options.sections.includes('mcp')) {
      for (const engine of options.engines) {
        await benchMcp(results, options, 'stdio', engine, stdioFactory(engine, server?.url));
        await benchMcpOverHttp(results, options, engine, server?.url);
      }
    }
    if (options.sections.includes('taskmaster')) await benchTaskmaster(results, options);
  } finally {
    await server?.drop();
  }
  results.ratios = computeRatios(results);
  results.seconds = round((Date.now() - started.getTime()) / 1000, 1);
  process.stdout.write(`${renderTable(results)}\n`);
  fs.mkdirSync(options.out, { recursive: true });
  const file = path.join(options.out, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${file} (${results.seconds} s)\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
