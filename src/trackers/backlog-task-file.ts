import { load } from 'js-yaml';
import { isObject } from './json-document.js';

export type BacklogTaskFile = { frontMatter: Record<string, unknown>; sections: Array<[heading: string, text: string]>; bodyLine: number };

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;
/** Backlog.md's editor markers around a section's text (`<!-- SECTION:DESCRIPTION:BEGIN -->`, `<!-- AC:END -->`). */
const MARKER = /^[ \t]*<!--\s*[A-Z_:]+:(?:BEGIN|END)\s*-->[ \t]*$\n?/gm;

/** Whether a text is a Backlog.md task file: YAML front matter that names an id and a title. */
export const isBacklogTaskText = (text: string) => {
  const m = text.slice(0, 4096).match(/^---[ \t]*\n([\s\S]*?)\n---/);
  return Boolean(m && /^id:/m.test(m[1]) && /^title:/m.test(m[1]));
};

/**
 * Backlog.md quotes `assignee: @name` and `[@a, @b]` before parsing (an @ cannot start a YAML
 * scalar); so do we.
 */
function quoteHandles(yaml: string): string {
  return yaml.replace(/^(\s*(?:assignee|reporter):[ \t]*)(\S.*?)[ \t]*$/gm, (all, key: string, value: string) => {
    const list = value.match(/^\[(.*)\]$/);
    if (list) return `${key}[${list[1].split(',').map((v) => v.trim()).filter(Boolean).map((v) => (v.startsWith('@') ? JSON.stringify(v) : v)).join(', ')}]`;
    return value.startsWith('@') ? `${key}${JSON.stringify(value)}` : all;
  });
}

/**
 * A Backlog.md task file: its YAML front matter (read as Backlog.md reads it, with js-yaml) and the
 * `## ` sections of its body, markers removed. Throws on front matter that is not YAML.
 */
export function readBacklogTaskFile(text: string): BacklogTaskFile {
  const m = text.match(FRONT_MATTER);
  if (!m) throw new Error('no YAML front matter (--- … ---) at the top');
  let data: unknown;
  try {
    data = load(quoteHandles(m[1]));
  } catch (err) {
    const { reason, mark } = err as { reason?: string; mark?: { line: number } };
    throw new Error(`the front matter is not YAML (${reason ?? 'unreadable'}${mark ? ` at line ${mark.line + 2}` : ''})`);
  }
  if (!isObject(data)) throw new Error('the front matter is not a YAML mapping');
  const body = text.slice(m[0].length);
  const sections: Array<[string, string]> = [];
  let heading = '';
  let lines: string[] = [];
  const flush = () => {
    const content = lines.join('\n').replace(MARKER, '').trim();
    if (content) sections.push([heading, content]);
  };
  for (const line of body.split('\n')) {
    const h = line.match(/^##[ \t]+(.+?)[ \t]*#*[ \t]*$/);
    if (h) {
      flush();
      heading = h[1];
      lines = [];
    } else lines.push(line);
  }
  flush();
  return { frontMatter: data, sections, bodyLine: (m[0].match(/\n/g) ?? []).length + 1 };
}
