import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES } from '../src/config.js';

const README = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('settings', () => {
  it('documents every setting in the README table', () => {
    const undocumented = SETTING_NAMES.filter((name) => !README.includes(`| \`${name}\` |`));
    expect(undocumented).toEqual([]);
  });

  it('takes the lessons similarity floor as a number from 0 to 1, 0.55 unless set', () => {
    expect(loadConfig({}).lessonsMinSimilarity).toBe(0.55);
    expect(loadConfig({ TASKLANE_LESSONS_MIN_SIMILARITY: '0.7' }).lessonsMinSimilarity).toBe(0.7);
    for (const bad of ['1.5', '-0.1', 'high']) {
      expect(() => loadConfig({ TASKLANE_LESSONS_MIN_SIMILARITY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TASKLANE_LESSONS_MIN_SIMILARITY: bad })).toThrow(/TASKLANE_LESSONS_MIN_SIMILARITY/);
    }
  });
});
