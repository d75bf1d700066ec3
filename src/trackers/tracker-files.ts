import fs from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { committedText, fileIsCommitted } from '../git/commit-file.js';
import { sameTracker, statusCommitMessage } from './status-commit-message.js';

/** Trackers up to this size are compared by their parsed tasks and history; larger ones line by line. */
export const PARSED_COMPARE_MAX = 16 * 2 ** 20;

/** The lines that carry an export's time (`**Generated:**`, `"generated_at"`, Taskmaster's `"created"`/`"updated"`). */
const STAMP = /^(\*\*Generated:\*\* | {2}"generated_at": "| {6}"(created|updated)": ")/;

/** Writes what `produce` sends into a file, waiting whenever the file stream is full. */
export async function writeStreamed(file: string, produce: (sink: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  const stream = fs.createWriteStream(file);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  try {
    await produce(async (text) => {
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
    });
  } finally {
    stream.end();
    await Promise.race([once(stream, 'close'), failed]);
  }
}

/**
 * Whether two tracker files hold the same tasks and history: parsed (layout aside) when both are small;
 * past PARSED_COMPARE_MAX, the same lines apart from the export times, read a line at a time.
 */
export async function sameTrackerFiles(a: string, b: string, parsedMax = PARSED_COMPARE_MAX): Promise<boolean> {
  if (fs.statSync(a).size <= parsedMax && fs.statSync(b).size <= parsedMax) {
    return sameTracker(fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8'));
  }
  const lines = (file: string) => readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const [left, right] = [lines(a), lines(b)];
  try {
    for (;;) {
      const [x, y] = await Promise.all([left.next(), right.next()]);
      if (x.done || y.done) return x.done === y.done;
      if (x.value !== y.value && !(STAMP.test(x.value) && STAMP.test(y.value))) return false;
    }
  } finally {
    await Promise.all([left.return?.(), right.return?.()]);
  }
}

/**
 * A tracker file beside its last commit: whether it holds the same tasks and history, and the commit
 * message for it (`status: T3 → completed` when one task changed). Past PARSED_COMPARE_MAX, git says
 * whether the file changed and the message is `status: sync`.
 */
export async function committedTracker(file: string, parsedMax = PARSED_COMPARE_MAX): Promise<{ same: boolean; message: string }> {
  if (fs.statSync(file).size > parsedMax) return { same: await fileIsCommitted(file), message: 'status: sync' };
  const text = fs.readFileSync(file, 'utf8');
  const committed = await committedText(file);
  return { same: committed !== undefined && sameTracker(committed, text), message: statusCommitMessage(committed, text) };
}
