import { h, left, put } from './dom.js';

export const COLUMNS = [
  ['ready', 'Ready'],
  ['waiting', 'Waiting'],
  ['in_progress', 'In progress'],
  ['review', 'Review'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['blocked', 'Blocked'],
  ['cancelled', 'Cancelled'],
];
/** Cards drawn per column at first; the rest on demand, so a 5,000-task board stays quick. */
const PER_COLUMN = 150;

export const columnOf = (t) => (t.status === 'pending' ? (t.ready ? 'ready' : 'waiting') : t.status);

function fill(select, values, label) {
  const current = select.value;
  put(select, h('option', { value: '' }, label), ...[...values].sort().map((v) => h('option', { value: v }, v)));
  select.value = values.has(current) ? current : '';
}

export function renderFilters(form, tasks) {
  const sets = { phase: new Set(), module: new Set(), tag: new Set(), agent: new Set() };
  for (const t of tasks) {
    if (t.phase) sets.phase.add(t.phase);
    if (t.module) sets.module.add(t.module);
    for (const tag of t.tags ?? []) sets.tag.add(tag);
    if (t.assignee) sets.agent.add(t.assignee);
  }
  fill(form.elements.phase, sets.phase, 'all phases');
  fill(form.elements.module, sets.module, 'all modules');
  fill(form.elements.tag, sets.tag, 'all tags');
  fill(form.elements.agent, sets.agent, 'all agents');
  return sets.phase;
}

function matches(t, f) {
  if (f.phase && t.phase !== f.phase) return false;
  if (f.module && t.module !== f.module) return false;
  if (f.tag && !(t.tags ?? []).includes(f.tag)) return false;
  if (f.agent && t.assignee !== f.agent) return false;
  if (f.text) {
    const hay = `${t.id} ${t.title} ${t.assignee ?? ''} ${t.phase ?? ''} ${t.module ?? ''}`.toLowerCase();
    if (!hay.includes(f.text.toLowerCase())) return false;
  }
  return true;
}

function card(t, open) {
  return h(
    'button',
    { class: `card s-${columnOf(t)}`, dataset: { id: t.id }, onclick: () => open(t.id), title: t.title },
    h('span', { class: 'card-head' }, h('b', { class: 'id' }, t.id), h('span', { class: `prio p${Math.min(t.priority, 5)}` }, `P${t.priority}`)),
    h('span', { class: 'title' }, t.title),
    h(
      'span',
      { class: 'meta' },
      t.phase && h('span', {}, t.phase),
      t.assignee && h('span', { class: 'who' }, t.assignee),
      t.attempts > 0 && h('span', {}, `try ${t.attempts}/${t.max_attempts}`),
      t.lease_expires_at && h('span', { class: 'lease', dataset: { lease: t.lease_expires_at } }, left(t.lease_expires_at)),
    ),
  );
}

export function renderColumns(container, summary, snapshot, filter, open) {
  const shown = snapshot.tasks.filter((t) => matches(t, filter));
  const groups = new Map(COLUMNS.map(([key]) => [key, []]));
  for (const t of shown) groups.get(columnOf(t))?.push(t);
  const c = snapshot.counts;
  put(summary, 
    h('span', {}, `${c.total} tasks · ${snapshot.progress_percent}% done`),
    shown.length !== snapshot.tasks.length && h('span', {}, ` · ${shown.length} match the filter`),
    snapshot.next_offset !== undefined && h('span', { class: 'warn' }, ` · showing the first ${snapshot.tasks.length}`),
  );
  put(container, 
    ...COLUMNS.map(([key, label]) => {
      const list = groups.get(key);
      const body = h('div', { class: 'col-body' }, list.slice(0, PER_COLUMN).map((t) => card(t, open)));
      if (list.length > PER_COLUMN) {
        const more = h('button', { class: 'more', onclick: () => more.replaceWith(...list.slice(PER_COLUMN).map((t) => card(t, open))) }, `show ${list.length - PER_COLUMN} more`);
        body.append(more);
      }
      return h('section', { class: `col col-${key}`, dataset: { column: key } }, h('h2', {}, label, ' ', h('span', { class: 'count' }, list.length)), body);
    }),
  );
}

/** Lease labels age between refreshes. */
export function tickLeases(root) {
  for (const el of root.querySelectorAll('[data-lease]')) el.textContent = left(el.dataset.lease);
}
