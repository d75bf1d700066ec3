import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The slowest files as measured in CI, slowest first. A clean clone has no cache of durations, so vitest
// would start the largest files first, and a slow file that starts late sets when the run ends.
const SLOW = [
  'e2e-trackers', 'board-host', 'bundle', 'races', 'replicas', 'stdio-framing', 'scale', 'wait-for-work', 'auth-tokens-cli',
  'fuzz-inputs', 'cli-commands', 'faults-connections', 'trackers-linear', 'e2e-stdio', 'http-limits',
];

/** Vitest's order (failed first, then the longest by its cache), with the known slow files ahead of the rest. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW.indexOf(path.basename(f.moduleId, '.test.ts'));
      return i < 0 ? SLOW.length : i;
    };
    const base = await super.sort(files);
    return base.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}
