import type { Token, Tokens } from 'marked';
import type { TaskInput } from '../tasks/inputs.js';
import { type Block, markdownBlocks } from './markdown-blocks.js';
import { TrackerBuilder } from './tracker-builder.js';
import type { ParsedTracker } from './types.js';

const BOXES: Record<string, string> = { ' ': 'pending', x: 'completed', X: 'completed', '-': 'cancelled', '~': 'in_progress', '/': 'in_progress' };
const DATE = /^\((\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?)\)\s*/;

/**
 * The short key a heading gives its items' ids: `2A. Indexing` → 2A, `1.1 Storage` → 1.1,
 * `Phase 3 — Interfaces` → P3, `Backlog` → BACKLOG.
 */
export function headingKey(text: string): string {
  const code = text.match(/^([0-9]+[A-Za-z]?(?:\.[0-9A-Za-z]+)*)[.):]?(\s|$)/);
  if (code) return code[1];
  const phase = text.match(/\bphase\s+([0-9]+[A-Za-z]?)/i);
  if (phase) return `P${phase[1]}`;
  const words = text.match(/[A-Za-z0-9]+/g) ?? [];
  if (words.length > 1) return words.slice(0, 4).map((w) => w[0].toUpperCase()).join('');
  return (words[0] ?? 'T').slice(0, 8).toUpperCase();
}

type Item = { status: string; text: string; line: number; item: Tokens.ListItem };

function checkbox(item: Tokens.ListItem, line: number): Item | undefined {
  const textToken = item.tokens.find((t) => t.type === 'text' || t.type === 'paragraph') as Tokens.Text | undefined;
  const text = (textToken?.text ?? '').trim().replace(/\s*\n\s*/g, ' ');
  if (item.task) return { status: item.checked ? 'completed' : 'pending', text, line, item };
  const box = text.match(/^\[(.)\]\s+/);
  if (box && BOXES[box[1]]) return { status: BOXES[box[1]], text: text.slice(box[0].length), line, item };
  return undefined;
}

/** Each item of a list with its line, counted from the list's first line. */
function itemsWithLines(list: Tokens.List, line: number): Array<{ item: Tokens.ListItem; line: number }> {
  let at = line;
  return list.items.map((item) => {
    const here = at;
    at += (item.raw.match(/\n/g) ?? []).length;
    return { item, line: here };
  });
}

function nestedLists(item: Tokens.ListItem, line: number): Array<{ list: Tokens.List; line: number }> {
  const lists: Array<{ list: Tokens.List; line: number }> = [];
  let at = line;
  for (const token of item.tokens as Token[]) {
    if (token.type === 'list') lists.push({ list: token as Tokens.List, line: at + 1 });
    else if (token.type !== 'checkbox') at += (token.raw.match(/\n/g) ?? []).length;
  }
  return lists;
}

/**
 * TODO.md: checkbox lists under headings. `[ ]` pending, `[x]` completed, `[-]` cancelled; a date in
 * parentheses after the box is the completion date; indented plain bullets are details of the item
 * above; indented checkboxes are subtasks (`2B-3.1`), and the item depends on them.
 */
export function parseTodoMd(text: string, blocks: Block[] = markdownBlocks(text)): ParsedTracker {
  const out = new TrackerBuilder('todo-md');
  let phase: string | undefined;
  let module: string | undefined;
  let key = 'T';
  const positions = new Map<string, number>();

  const readItem = (entry: Item, id: string): TaskInput => {
    const date = entry.text.match(DATE);
    const task: TaskInput = { id, description: entry.text.slice(date?.[0].length ?? 0).trim() || id, status: entry.status };
    if (phase) task.phase = phase;
    if (module) task.module = module;
    if (date) task.completed_at = out.time(date[1], entry.line, `${id}.completed_at`);
    const details: string[] = [];
    const subtasks: string[] = [];
    for (const nested of nestedLists(entry.item, entry.line)) {
      for (const { item, line } of itemsWithLines(nested.list, nested.line)) {
        const sub = checkbox(item, line);
        if (sub) {
          const subId = `${id}.${subtasks.length + 1}`;
          subtasks.push(subId);
          out.add(readItem(sub, subId), line);
        } else {
          const own = item.tokens.find((t) => t.type === 'text' || t.type === 'paragraph') as Tokens.Text | undefined;
          details.push(`- ${(own?.text ?? '').trim().replace(/\s*\n\s*/g, ' ')}`);
        }
      }
    }
    if (details.length) task.details = details.join('\n');
    if (subtasks.length) task.dependencies = subtasks;
    return task;
  };

  for (const block of blocks) {
    if (block.kind === 'heading') {
      if (block.depth === 1) continue;
      if (block.depth === 2) {
        phase = block.text;
        module = undefined;
      } else module = block.text;
      key = headingKey(block.text);
      continue;
    }
    if (block.kind !== 'list') continue;
    for (const { item, line } of itemsWithLines(block.token, block.line)) {
      const entry = checkbox(item, line);
      if (!entry) {
        out.skip(line, `a list item without a checkbox ("${item.text.split('\n')[0].slice(0, 60)}"): not a task`);
        continue;
      }
      const position = (positions.get(key) ?? 0) + 1;
      positions.set(key, position);
      const id = `${key}-${position}`;
      const task = readItem(entry, id);
      out.add(task, line);
    }
  }
  // Subtasks are added as they are read, before their parent; the parent's line order is what readers expect.
  out.tasks.sort((a, b) => out.lines.get(a.id)! - out.lines.get(b.id)!);
  return out.finish();
}
