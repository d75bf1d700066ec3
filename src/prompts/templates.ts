import fs from 'node:fs';
import path from 'node:path';

/** The prompts/ folder of the package, from src/… (tsx, tests) or dist/src/… (the built bin). */
export function promptsDir(from = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'prompts', 'worker.md'))) return path.join(dir, 'prompts');
    if (path.dirname(dir) === dir) throw new Error(`no prompts/ folder above ${from}`);
  }
}

/** A template of prompts/ by its name without `.md` (`worker`, `claude/tasklane-worker`). */
export const readTemplate = (name: string) => fs.readFileSync(path.join(promptsDir(), `${name}.md`), 'utf8');

/** Fills `{{name}}` placeholders; a placeholder without a value is an error, not a silent blank. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`prompt template placeholder {{${name}}} has no value`);
    return values[name];
  });
}

/** The quality gates of a task that names none in its `quality_gates` metadata. */
export const DEFAULT_GATES = ["- the project's tests (all of them, not only new ones)", '- the typecheck and the linter', '- a look at your own diff: nothing unrelated, no debug leftovers'];
