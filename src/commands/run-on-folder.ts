import { startApp } from '../app.js';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openStore } from '../db/open.js';
import { createCliLogger } from '../log.js';
import { type ParsedCommand, processIo } from './command-io.js';
import { executeDataCommand } from './data-commands.js';

/** A data command with no board host: this process opens the folder (or the server) for the command's length. */
export async function runOnFolder(cmd: ParsedCommand): Promise<number> {
  const config = loadConfig();
  const role = `tasklane ${cmd.name}`;
  if (cmd.name === 'migrate') {
    const store = await openStore(config.databaseUrl, { role, quickStart: true });
    try {
      const notes: string[] = [];
      if (store.created) processIo.out(`${store.created}\n`);
      const applied = await migrateToLatest(store.db, { embedModel: config.embeddings?.model, onReconciled: (note) => notes.push(note) });
      if (applied.length) processIo.out(`applied: ${applied.join(', ')}\n`);
      for (const note of notes) processIo.out(`${note}\n`);
      if (!applied.length && !notes.length) processIo.out('the database is up to date\n');
      return 0;
    } finally {
      await store.close();
    }
  }
  const app = await startApp(config, createCliLogger(), { role });
  try {
    return await executeDataCommand(app, cmd, { cwd: process.cwd(), project: config.project }, processIo);
  } finally {
    await app.close();
  }
}
