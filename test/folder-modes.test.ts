import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openStore } from '../src/db/open.js';
import { testBoard } from './helpers/engines.js';
import { connectStdio } from './helpers/stdio-client.js';

/** Every entry under `folder` that its group or other users may read, write or enter, with its mode. */
function loose(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      const mode = fs.lstatSync(file).mode & 0o777;
      if (mode & 0o077) found.push(`${path.relative(folder, file)} ${mode.toString(8)}`);
      if (entry.isDirectory()) walk(file);
    }
  };
  walk(folder);
  return found;
}

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/** A data folder left by an older tasklane or made by hand: 0755, with a world-writable log. */
function preExistingFolder(root: string) {
  const folder = path.join(root, 'data');
  fs.mkdirSync(folder);
  fs.chmodSync(folder, 0o755);
  fs.writeFileSync(path.join(folder, 'host.log'), '{"msg":"an old line"}\n');
  fs.chmodSync(path.join(folder, 'host.log'), 0o666);
  return folder;
}

describe('file modes of the embedded data folder', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-modes-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('makes a pre-existing 0755 folder 0700 and everything in it owner-only, while open and after', async () => {
    const folder = preExistingFolder(root);
    const store = await openStore(folder, { loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
    try {
      await testBoard(store).writeTaskList('modes', { tasks: [{ id: 'T', description: 'x' }] });
      expect(modeOf(folder)).toBe('700');
      expect(modeOf(path.join(folder, 'host.log'))).toBe('600');
      expect(loose(folder)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(loose(folder)).toEqual([]);
  });

  it('keeps a folder the board host creates, and its pre-existing host.log, owner-only', async () => {
    const folder = preExistingFolder(root);
    const agent = await connectStdio({ TASKLANE_DATABASE_URL: folder, HOME: root, TASKLANE_PROJECT: 'modes' });
    try {
      await agent.call('write_task_list', { tasks: [{ id: 'T', description: 'x' }] });
      expect(modeOf(folder)).toBe('700');
      expect(modeOf(path.join(folder, 'host.log'))).toBe('600');
      expect(loose(folder)).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
