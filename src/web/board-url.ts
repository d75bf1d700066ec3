import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';

export const boardUrl = (port: number, project: string) => `http://127.0.0.1:${port}/board?project=${encodeURIComponent(project)}`;

/** Hands the URL to the desktop's opener; failing to open is not an error (the URL was printed). */
export function openInBrowser(url: string, log: Logger) {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', (err) => log.warn({ err: err.message }, 'could not open a browser; open the URL yourself'));
    child.unref();
  } catch (err) {
    log.warn({ err }, 'could not open a browser; open the URL yourself');
  }
}
