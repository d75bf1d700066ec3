// Writes the Claude Code plugin and its marketplace file from prompts/ (see src/setup/plugin-files.ts).
import fs from 'node:fs';
import path from 'node:path';
import { pluginFiles } from '../src/setup/plugin-files.js';

const root = path.resolve(import.meta.dirname, '..');
for (const file of pluginFiles()) {
  const target = path.join(root, file.path);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, file.text);
  console.log(file.path);
}
