import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/helpers/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // Vitest's default is one worker per core but one: a single worker on a 2-core machine. The slow
    // files mostly wait on the processes they start (bins, board hosts, npm), so run more than that.
    maxWorkers: Math.max(3, os.availableParallelism()),
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
