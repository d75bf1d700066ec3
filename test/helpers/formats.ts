import fs from 'node:fs';
import path from 'node:path';

export const FORMATS_DIR = path.resolve(import.meta.dirname, '../fixtures/formats');

/** A tracker sample from test/fixtures/formats (copies of ../shared/formats, plus variants written for the tests). */
export const sample = (name: string) => fs.readFileSync(path.join(FORMATS_DIR, name), 'utf8');
