import { describe, expect, it } from 'vitest';
import { parseSample, timeParse } from '../bench/parse-trackers.js';
import { TRACKER_SAMPLES } from '../bench/tracker-files.js';

/**
 * Parsing must grow with the file, not with its square. Eight times the tasks cost about 8× the
 * time when parsing is linear and 64× when it is quadratic (the old JSON parser split all the text
 * before each task to count its line: 8.5 s for 5,000 tasks). The bound, 24×, sits far from both,
 * and each side is the least CPU time (this process's, not the wall clock's) of five runs taken in
 * turn after warming up, so a busy machine moves neither enough to fail a linear parser or pass a
 * quadratic one. No time is asserted.
 */
describe('tracker parsing is linear in the size of the file, whatever its layout', () => {
  it.each(TRACKER_SAMPLES.map((s) => [`${s.label} (${s.layout})`, s] as const))('%s', (_name, sample) => {
    const small = sample.make(1000);
    const large = sample.make(8000);
    const boards = parseSample(sample, large);
    expect(boards[0].format).toBe(sample.format);
    expect(boards.reduce((n, b) => n + b.tasks.length, 0)).toBe(8000);
    timeParse(sample, small, 3); // compiled and warm before anything is timed
    let fastSmall = Infinity;
    let fastLarge = Infinity;
    for (let run = 0; run < 5; run++) {
      fastSmall = Math.min(fastSmall, timeParse(sample, small, 1).cpuMs);
      fastLarge = Math.min(fastLarge, timeParse(sample, large, 1).cpuMs);
    }
    expect(fastLarge / fastSmall).toBeLessThan(24);
  }, 120_000);
});
