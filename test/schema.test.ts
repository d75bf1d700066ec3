import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas, schemaText, taskBreakdownFile } from '../src/schema/json-schemas.js';
import { sample } from './helpers/formats.js';

const DIR = path.resolve(import.meta.dirname, '..', 'schema');
const filesIn = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesIn(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));

describe('schema/', () => {
  const schemas = jsonSchemas();

  it('holds the breakdown file and every tool input', () => {
    expect(Object.keys(schemas)).toContain('task-breakdown.schema.json');
    for (const tool of ['write_task_list', 'get_next_task', 'mark_task_status', 'read_task_breakdown', 'update_task', 'import_tracker']) {
      expect(Object.keys(schemas)).toContain(`tools/${tool}.input.schema.json`);
    }
  });

  it('is current: run `npm run schema` after changing a zod schema', () => {
    expect(filesIn(DIR).sort(), 'files in schema/').toEqual(Object.keys(schemas).sort());
    for (const [file, schema] of Object.entries(schemas)) {
      expect(fs.readFileSync(path.join(DIR, file), 'utf8'), `schema/${file} is stale; run npm run schema`).toBe(schemaText(schema));
    }
  });

  it('accepts the sample task-breakdown.json once its comments are gone', () => {
    const json = JSON.parse(sample('task-breakdown.json').replace(/^\s*\/\/.*$/gm, ''));
    expect(taskBreakdownFile.safeParse(json).success).toBe(true);
    expect(taskBreakdownFile.safeParse({ tasks: [{ id: 'T1' }] }).success).toBe(false);
  });
});
