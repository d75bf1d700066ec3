import { z } from 'zod';
import type { App } from './app.js';
import type { CommandIo } from './commands/command-io.js';
import { requeueAllLessons } from './db/embedding-jobs.js';
import { recordLessonInput } from './lessons/inputs.js';
import { renderLessonSearch, renderRecordedLesson } from './mcp/render.js';

/** `tasklane lessons search | add | reembed`, for people. */
type Flags = Record<string, string | boolean | undefined>;
const flag = (values: Flags, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

export async function lessonsCommand(app: App, project: string, args: string[], values: Flags, io: CommandIo): Promise<number> {
  const [sub, ...words] = args;
  const usage = () => {
    io.err('usage: tasklane lessons search "query" | add "text" [--tags a,b] | reembed\n');
    return 2;
  };
  if (sub === 'search') {
    const query = words.join(' ').trim();
    if (!query) return usage();
    const limit = flag(values, 'limit') ? z.coerce.number().int().min(1).max(50).parse(flag(values, 'limit')) : undefined;
    const r = await app.lessons.search(project, { query, limit });
    io.out(`${renderLessonSearch(r)}\n`);
    return 0;
  }
  if (sub === 'add') {
    const input = z.object(recordLessonInput).parse({
      lesson: words.join(' '),
      title: flag(values, 'title'),
      tags: flag(values, 'tags')?.split(',').map((t) => t.trim()).filter(Boolean),
      task_id: flag(values, 'task-id'),
      scope: values.global ? 'global' : 'project',
    });
    const r = await app.lessons.record(project, input, process.env.USER ?? null);
    io.out(`${renderRecordedLesson(r)}\n`);
    return 0;
  }
  if (sub === 'reembed') {
    if (!app.embeddingWorker) {
      io.err(`tasklane: cannot embed: ${app.lessons.lexicalReason}\n`);
      return 1;
    }
    const queued = await requeueAllLessons(app.store.db, app.embeddingWorker.provider.model);
    const done = await app.embeddingWorker.drain();
    const left = queued - done.embedded;
    io.out(
      `queued ${queued} lesson(s) for ${app.embeddingWorker.provider.model}; embedded ${done.embedded}` +
        (left > 0 ? `; ${left} left in the queue for the server's worker (the provider failed: see the log)` : '') + '\n',
    );
    return left > 0 ? 1 : 0;
  }
  return usage();
}
