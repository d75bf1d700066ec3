import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonDocument } from '../src/trackers/json-document.js';
import { detectFormat } from '../src/trackers/detect-format.js';
import { headingKey } from '../src/trackers/parse-todo-md.js';
import { parseTracker, parseTrackerBoards } from '../src/trackers/parse-tracker.js';
import { sample } from './helpers/formats.js';

const byId = (r: ReturnType<typeof parseTracker>) => new Map(r.tasks.map((t) => [t.id, t]));

describe('tracker formats: detection', () => {
  it.each([
    ['task-breakdown.json', 'task-breakdown-json'],
    ['task-breakdown-comments.jsonc', 'task-breakdown-json'],
    ['tasks.md', 'tasks-md'],
    ['tasks-extra-columns.md', 'tasks-md'],
    ['TASK-STATUS.md', 'task-status-md'],
    ['TASK-STATUS-crlf-mojibake.md', 'task-status-md'],
    ['TODO.md', 'todo-md'],
    ['TODO-variants.md', 'todo-md'],
  ])('%s is %s', (file, format) => {
    expect(detectFormat(sample(file))).toBe(format);
  });
});

describe('task-breakdown.json', () => {
  it('reads every task with its status fields and notes, comments and all', () => {
    const r = parseTracker(sample('task-breakdown.json'));
    expect(r.skipped).toEqual([]);
    expect(r.tasks.map((t) => t.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
    const t = byId(r);
    expect(t.get('T1')).toMatchObject({ status: 'completed', attempts: 1, result: expect.stringMatching(/^Tables invoices/), notes: [{ note: 'Starting schema work' }, {}] });
    expect(t.get('T2')).toMatchObject({ status: 'in_progress', attempts: 2, dependencies: ['T1'], started_at: '2026-03-02T09:45:00.000Z' });
    expect(t.get('T5')!.dependencies).toEqual(['T3', 'T4']);
    expect(r.lines.get('T2')).toBe(22);
  });

  it('takes JSONC with block comments, trailing commas and CRLF; says what it left out and why', () => {
    const r = parseTracker(sample('task-breakdown-comments.jsonc'));
    const t = byId(r);
    expect([...t.keys()]).toEqual(['1', 'B', 'D']);
    expect(t.get('1')).toMatchObject({ description: 'Numeric id and a title only', status: 'completed' });
    expect(t.get('B')).toMatchObject({ dependencies: ['1'] });
    expect(t.get('B')!.status).toBeUndefined();
    expect(t.get('D')!.started_at).toBeUndefined();
    expect(t.get('D')!.priority).toBeUndefined();
    const reasons = r.skipped.map((s) => `${s.line}: ${s.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^7: B\.status: "weird-status" has no known status word/),
      expect.stringMatching(/^8: C: description: .*left out/),
      expect.stringMatching(/^9: D\.started_at: "yesterday" is not a date/),
      expect.stringMatching(/^9: D\.priority: "whenever" is not a priority/),
    ]);
  });

  // The same tasks one level down, after an escaped key and an array holding objects, with a non-object entry among them.
  const nestedTasks = [
    '{',
    '  "about": {"a \\"quoted\\" key": [1, {"x": "[{"}], "b": {}},',
    '  "board": {',
    '    "tasks": [',
    '      {"id": "A", "description": "first"},',
    '      7,',
    '',
    '      {',
    '        "id": "B", "description": "second, {\\"braces\\"} in text", "dependencies": ["A"]',
    '      }, {"id": "C", "description": "third"}',
    '    ]',
    '  }',
    '}',
  ].join('\n');

  it("finds each task's line wherever its array is, in JSON and in JSONC alike", () => {
    for (const text of [nestedTasks, nestedTasks.replace('"board": {', '"board": { // the tasks\n').replace('"C", "description": "third"}', '"C", "description": "third",},')]) {
      const r = parseTracker(text, 'task-breakdown-json');
      const shift = text === nestedTasks ? 0 : 1;
      expect([...r.lines]).toEqual([['A', 5 + shift], ['B', 8 + shift], ['C', 10 + shift]]);
      expect(r.skipped).toEqual([{ line: 1, reason: 'an entry of "tasks" that is not an object' }]);
    }
    const bare = parseTracker('[\n{"id": "X", "description": "x"},\n\n{"id": "Y", "description": "y"}]', 'task-breakdown-json');
    expect([...bare.lines]).toEqual([['X', 2], ['Y', 4]]);
  });

  it('finds the same lines in plain JSON (its own pass) as in JSONC (jsonc-parser), whatever the document', () => {
    /** The path of every array in a value whose elements sit at one of the depths asked for. */
    const arrays = (value: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []) => {
      if (Array.isArray(value)) {
        if ([1, 2, 3].includes(path.length + 1)) out.push(path);
        value.forEach((v, i) => arrays(v, [...path, i], out));
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) arrays(v, [...path, k], out);
      }
      return out;
    };
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a"b', 'c\\d', '{[', 'tasks'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    })).node;
    fc.assert(fc.property(value, fc.constantFrom(undefined, 1, 2, '\t'), (doc, indent) => {
      const text = JSON.stringify(doc, null, indent);
      const plain = readJsonDocument(text, [1, 2, 3], 64);
      const jsonc = readJsonDocument(`${text}\n// a comment makes it JSONC`, [1, 2, 3], 64);
      expect(plain.errors).toEqual([]);
      for (const path of arrays(doc)) expect([...plain.elementLines(path)], JSON.stringify(path)).toEqual([...jsonc.elementLines(path)]);
    }), { numRuns: 300 });
  });

  it('refuses a file nested deeper than 28 levels at the line where it does, whether or not it is plain JSON', () => {
    const deep = (open: string) => `{"tasks": [\n{"id": "A", "description": "a",\n"meta": ${open.repeat(40)}${open === '[' ? ']'.repeat(40) : '}'.repeat(40)}}]}`;
    for (const text of [deep('['), `// a comment\n${deep('[')}`]) {
      const r = parseTracker(text, 'task-breakdown-json');
      expect(r.tasks).toEqual([]);
      expect(r.skipped).toEqual([{ line: text.startsWith('//') ? 4 : 3, reason: expect.stringMatching(/^JSON nested deeper than 28 levels; the file was not read/) }]);
    }
    const taskmaster = parseTrackerBoards(`{"master": {"tasks": [\n${'['.repeat(30)}${']'.repeat(30)}]}}`, 'taskmaster-json');
    expect(taskmaster[0].skipped).toEqual([{ line: 2, reason: expect.stringMatching(/^JSON nested deeper than 28 levels/) }]);
  });

  it('keeps a key spelled __proto__, escaped or not, as a key of the task', () => {
    for (const key of ['__proto__', '\\u005f_proto__', '__pr\\u006fto__']) {
      const r = parseTracker(`{"tasks": [{"id": "A", "description": "a", "${key}": {"polluted": true}}]}`, 'task-breakdown-json');
      expect(r.skipped).toEqual([]);
      expect(Object.getOwnPropertyDescriptor(r.tasks[0], '__proto__')?.value).toEqual({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe('tasks.md', () => {
  it('reads the tables with phases from headings, blocks merged into dependencies, token estimates', () => {
    const r = parseTracker(sample('tasks.md'));
    expect(r.skipped).toEqual([]);
    const t = byId(r);
    expect(r.tasks).toHaveLength(5);
    expect(t.get('CK-PAY-001')).toMatchObject({
      status: 'completed', phase: 'Phase 1 - Payments', branch: 'fix/pay-001', assignee: 'worker-1',
      estimate_tokens: 8000, used_tokens: 6100, issue: '#41', repo: 'api', completed_at: '2026-04-01T10:40:00.000Z',
    });
    expect(t.get('CK-PAY-002')).toMatchObject({ status: 'in_progress', dependencies: ['CK-PAY-001'] });
    expect(t.get('CK-PAY-003')).toMatchObject({ status: 'pending', dependencies: ['CK-PAY-002'] });
    expect(t.get('CK-WEB-002')).toMatchObject({ phase: 'Phase 2 - Web', dependencies: ['CK-PAY-003', 'CK-WEB-001'] });
  });

  it('takes columns in any order, keeps unknown ones, and reports rows and cells it could not read', () => {
    const r = parseTracker(sample('tasks-extra-columns.md'));
    const t = byId(r);
    expect([...t.keys()]).toEqual(['BE-1', 'BE-2', 'BE-3']);
    expect(t.get('BE-1')).toMatchObject({ owner_team: 'platform', status: 'completed', estimate_tokens: 3500, notes: ['shipped behind a flag'], phase: 'Backend' });
    expect(t.get('BE-3')).toMatchObject({ status: 'pending', dependencies: ['BE-2', 'BE-9'] });
    expect(r.skipped.map((s) => s.line)).toEqual([9, 10]);
    expect(r.skipped[0].reason).toMatch(/BE-3\.estimate_tokens: "lots" is not a token count/);
    expect(r.skipped[1].reason).toMatch(/without an id/);
  });
});

describe('TASK-STATUS.md', () => {
  it('reads code words, sections as modules, `-` as empty; legend and summary are not tasks; the change log is events', () => {
    const r = parseTracker(sample('TASK-STATUS.md'));
    const t = byId(r);
    expect(r.tasks.map((x) => `${x.id}:${x.status}`)).toEqual([
      'INV-001:completed', 'INV-002:in_progress', 'INV-003:pending', 'INV-004:pending', 'INV-005:review', 'INV-006:blocked', 'INV-007:failed',
    ]);
    expect(t.get('INV-001')).toMatchObject({ phase: 'Phase 1: Core', module: '1.1 Storage', assignee: 'backend', reviewer: 'db-review' });
    expect(t.get('INV-004')).toMatchObject({ module: '1.2 API', assignee: null, started_at: null });
    expect(r.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/Status \| Code/), expect.stringMatching(/Section \| Total/)]);
    expect(r.events).toEqual([{ task_id: 'INV-001', at: '2026-05-01T09:10:00.000Z', from_status: 'in_progress', to_status: 'completed', agent: 'backend', note: 'Merged', line: 49 }]);
  });

  it('reads the same tasks from CRLF lines with broken emoji encodings and extra columns', () => {
    const clean = parseTracker(sample('TASK-STATUS.md'));
    const broken = parseTracker(sample('TASK-STATUS-crlf-mojibake.md'));
    expect(broken.tasks.map((x) => `${x.id}:${x.status}`)).toEqual(clean.tasks.map((x) => `${x.id}:${x.status}`));
    const t = byId(broken);
    expect(t.get('INV-003')).toMatchObject({ dependencies: ['INV-001', 'INV-002'], risk: 'low' });
    expect(t.get('INV-001')!.dependencies).toEqual([]);
    expect(broken.events).toHaveLength(1);
  });
});

describe('TODO.md', () => {
  it('reads checkboxes, dates, details and subtasks with stable ids', () => {
    const r = parseTracker(sample('TODO.md'));
    expect(r.tasks.map((x) => `${x.id}:${x.status}`)).toEqual([
      '2A-1:completed', '2A-2:completed', '2A-3:pending', '2B-1:completed', '2B-2:cancelled', '2B-3:pending', '2B-3.1:completed', '2B-3.2:pending', 'P3-1:pending', 'P3-2:pending',
    ]);
    const t = byId(r);
    expect(t.get('2A-1')).toMatchObject({
      description: 'Tokenizer for code identifiers', completed_at: '2026-06-10T00:00:00.000Z',
      details: '- Splits camelCase and snake_case\n- 6 tests in `src/index/tokenize.test.ts`',
      phase: 'Current Priority: Phase 2 — Search', module: '2A. Indexing',
    });
    expect(t.get('2B-3')!.dependencies).toEqual(['2B-3.1', '2B-3.2']);
    expect(t.get('2B-3.1')).toMatchObject({ description: 'Track edit times per file', completed_at: '2026-06-13T00:00:00.000Z' });
    expect(t.get('P3-2')).toMatchObject({ phase: 'Phase 3 — Interfaces' });
    expect(r.lines.get('2B-3.2')).toBe(27);
    expect(r.skipped).toEqual([{ line: 5, reason: expect.stringMatching(/without a checkbox/) }]);
    // the same text gives the same ids
    expect(parseTracker(sample('TODO.md')).tasks.map((x) => x.id)).toEqual(r.tasks.map((x) => x.id));
  });

  it('takes * bullets, [X], [~], deeper indents', () => {
    const r = parseTracker(sample('TODO-variants.md'));
    expect(r.tasks.map((x) => `${x.id}:${x.status}`)).toEqual(['BACKLOG-1:completed', 'BACKLOG-2:in_progress', 'BACKLOG-2.1:pending', 'BACKLOG-3:cancelled']);
    expect(byId(r).get('BACKLOG-2')).toMatchObject({ details: '- check the restore drill', dependencies: ['BACKLOG-2.1'] });
    expect(r.skipped.map((s) => s.line)).toEqual([10]);
  });

  it('makes heading keys from codes, phases, and words', () => {
    expect(['2A. Indexing', '1.1 Storage', 'Phase 3 — Interfaces', 'Backlog', 'Next up soon'].map(headingKey)).toEqual(['2A', '1.1', 'P3', 'BACKLOG', 'NUS']);
  });
});
