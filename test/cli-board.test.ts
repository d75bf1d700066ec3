import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/stdio-client.js';

describe('tasklane board', () => {
  it('prints the URL of the board for the project on the configured port', () => {
    const out = execFileSync(process.execPath, [CLI, 'board', '--project', 'my app'], {
      env: { ...process.env, TASKLANE_PORT: '7555', TASKLANE_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(out).toBe('http://127.0.0.1:7555/board?project=my%20app\n');
  });
});
