import type { Progress } from '../commands/command-io.js';

/** Below this many items a command is over before a bar would help. */
export const PROGRESS_FROM = 2_000;
const WIDTH = 30;
const EVERY_MS = 100;

/**
 * A one-line bar redrawn in place on a terminal (nothing when the stream is a pipe or a file), at most
 * ten times a second, and wiped when its step is done so the command's own lines follow cleanly.
 */
export function progressBar(stream: NodeJS.WriteStream): ((p: Progress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let drawnAt = 0;
  let shown = false;
  return ({ step, done, total }) => {
    if (total < PROGRESS_FROM) return;
    if (done >= total) {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (now - drawnAt < EVERY_MS) return;
    drawnAt = now;
    shown = true;
    const filled = Math.round((done / total) * WIDTH);
    const count = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    stream.write(`\r\x1b[K${step} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.floor((done / total) * 100)}% ${count}`);
  };
}
