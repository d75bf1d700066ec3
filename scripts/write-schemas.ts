// npm run schema: regenerates schema/ from the zod schemas (test/schema.test.ts fails when it is stale).
import fs from 'node:fs';
import path from 'node:path';
import { jsonSchemas, schemaText } from '../src/schema/json-schemas.js';

const dir = path.resolve(import.meta.dirname, '..', 'schema');
fs.rmSync(dir, { recursive: true, force: true });
for (const [file, schema] of Object.entries(jsonSchemas())) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), schemaText(schema));
  process.stdout.write(`schema/${file}\n`);
}
