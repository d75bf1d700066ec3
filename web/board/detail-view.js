import { getJSON, postJSON } from './api.js';
import { ago, h, left, time, put } from './dom.js';

const NAME_KEY = 'tasklane.board.name';
/** The actions this person's role may take (the server renders them; it also refuses the others). */
const ALLOWED = new Set((document.body.dataset.actions ?? '').split(' ').filter(Boolean));
const may = (action) => ALLOWED.has(action);
const FIELDS = [
  'status', 'priority', 'phase', 'module', 'tags', 'assignee', 'attempts', 'max_attempts', 'estimated_complexity', 'estimate_tokens',
  'used_tokens', 'branch', 'commit_sha', 'started_at', 'completed_at', 'status_updated_at', 'lease_expires_at', 'version',
];

function link(t, open) {
  return h('li', {}, h('a', { href: `#task=${encodeURIComponent(t.id)}`, onclick: (e) => (e.preventDefault(), open(t.id)) }, t.id), ' ', h('span', { class: `badge s-${t.status === 'pending' ? (t.ready ? 'ready' : 'waiting') : t.status}` }, t.status), ' ', t.title ?? '');
}

function eventLine(e) {
  const change = e.from_status || e.to_status ? `${e.from_status ?? '·'} → ${e.to_status ?? '·'}` : '';
  return h(
    'li',
    { class: `ev ev-${e.kind}` },
    h('time', { datetime: e.at, title: time(e.at) }, ago(e.at)),
    ' ',
    h('b', {}, e.actor ?? 'tasklane'),
    ' ',
    h('span', { class: 'kind' }, e.kind),
    change && h('span', { class: 'change' }, ` ${change}`),
    e.note && h('div', { class: 'note' }, e.note),
    e.kind === 'edited' && e.data && h('div', { class: 'note' }, Object.keys(e.data.to ?? {}).map((k) => `${k}: ${JSON.stringify(e.data.from?.[k])} → ${JSON.stringify(e.data.to[k])}`).join('; ')),
  );
}

function lessonLine(l) {
  const body = l.body && l.body !== l.title && h('div', { class: 'note' }, l.body);
  const about = l.score !== undefined
    ? h('span', { class: 'kind' }, ` score ${l.score}`)
    : [' ', h('span', { class: 'kind' }, `${l.created_by ?? 'someone'} · `), h('time', { datetime: l.created_at, title: time(l.created_at) }, ago(l.created_at))];
  return h('li', { class: 'lesson' }, h('b', {}, l.title), about, l.tags?.length > 0 && h('span', { class: 'kind' }, ` [${l.tags.join(', ')}]`), body);
}

const lessonList = (title, lessons, none) =>
  [h('h4', {}, `${title} (${lessons.length})`), lessons.length ? h('ul', {}, lessons.map(lessonLine)) : h('p', { class: 'muted' }, none)];

/** Fills the dialog's lessons section; a failure here says so in the section and leaves the rest of the dialog alone. */
async function showLessons(section, id, stillCurrent) {
  let content;
  try {
    const r = await getJSON(`/tasks/${encodeURIComponent(id)}/lessons`);
    content = r.available === false
      ? h('p', { class: 'muted' }, 'Lessons are not available on this server.')
      : [...lessonList('Recorded on this task', r.recorded, 'No lesson was recorded on this task.'), ...lessonList('Relevant lessons', r.relevant, 'No other lesson bears on this task.')];
  } catch (err) {
    content = h('p', { class: 'muted' }, `Lessons could not be loaded: ${err.message}`);
  }
  if (stillCurrent()) put(section, h('h3', {}, 'Lessons'), content);
}

/** The task dialog: every field, its links, its timeline, its lessons, and the actions a person may take. */
export function createDetail(dialog, body, { open, onError }) {
  let current;

  async function show(id) {
    current = id;
    const d = await getJSON(`/tasks/${encodeURIComponent(id)}`);
    if (current !== id) return;
    const lessons = render(d);
    if (!dialog.open) dialog.showModal();
    showLessons(lessons, id, () => current === id);
  }

  async function act(action, payload) {
    const name = body.querySelector('[name=as]').value.trim();
    if (name) localStorage.setItem(NAME_KEY, name);
    try {
      await postJSON(`/tasks/${encodeURIComponent(current)}/${action}`, { ...payload, ...(name ? { as: name } : {}) });
      await show(current);
    } catch (err) {
      onError(err);
    }
  }

  function render(d) {
    const t = d.task;
    const status = t.status === 'pending' ? (t.ready ? 'ready' : 'waiting') : t.status;
    const noteBox = h('textarea', { name: 'note', rows: 2, placeholder: 'a note for the agents and the record' });
    const prio = h('input', { name: 'priority', type: 'number', min: 1, max: 1000, value: t.priority, 'aria-label': 'priority' });
    const lessons = h('section', { class: 'lessons' }, h('h3', {}, 'Lessons'), h('p', { class: 'muted' }, 'loading…'));
    put(body, 
      h('header', {}, h('h2', {}, `${t.id} `, h('span', { class: `badge s-${status}` }, status)), h('button', { class: 'close', 'aria-label': 'close', onclick: () => dialog.close() }, '×')),
      t.title && h('p', { class: 'title' }, t.title),
      h('p', { class: 'desc' }, t.description),
      t.details && h('details', {}, h('summary', {}, 'details'), h('pre', {}, t.details)),
      t.result && h('div', { class: 'result' }, h('b', {}, 'Result: '), t.result),
      h('dl', { class: 'fields' }, FIELDS.filter((f) => t[f] !== undefined).flatMap((f) => [h('dt', {}, f), h('dd', {}, f === 'lease_expires_at' ? `${time(t[f])} (${left(t[f])})` : f.endsWith('_at') ? time(t[f]) : Array.isArray(t[f]) ? t[f].join(', ') : t[f])]),
        d.heartbeat_at ? [h('dt', {}, 'last heartbeat'), h('dd', {}, ago(d.heartbeat_at))] : []),
      h('div', { class: 'links' },
        h('section', {}, h('h3', {}, `Depends on (${d.depends_on.length})`), h('ul', {}, d.depends_on.map((x) => link(x, open)))),
        h('section', {}, h('h3', {}, `Blocks (${d.blocks.length})`), h('ul', {}, d.blocks.map((x) => link(x, open))))),
      h('section', { class: 'actions' },
        h('h3', {}, 'Act as a person'),
        h('label', {}, 'Your name ', h('input', { name: 'as', value: localStorage.getItem(NAME_KEY) ?? '', placeholder: 'e.g. alice', maxlength: 40 })),
        noteBox,
        h('div', { class: 'buttons' },
          may('note') && h('button', { onclick: () => noteBox.value.trim() && act('note', { note: noteBox.value }) }, 'Add note'),
          may('retry') && ['failed', 'blocked', 'cancelled'].includes(t.status) && h('button', { class: 'retry', onclick: () => act('retry', { note: noteBox.value || undefined }) }, 'Retry'),
          may('cancel') && !['completed', 'cancelled'].includes(t.status) && h('button', { class: 'danger', onclick: () => confirm(`Cancel ${t.id}?`) && act('cancel', { note: noteBox.value || undefined }) }, 'Cancel task'),
          may('priority') && h('span', { class: 'prio-edit' }, prio, h('button', { onclick: () => act('priority', { priority: Number(prio.value) }) }, 'Set priority')))),
      h('section', { class: 'timeline' }, h('h3', {}, `Timeline (${d.events.length}${d.next_events_offset !== undefined ? '+' : ''})`), h('ol', {}, d.events.map(eventLine))),
      lessons,
    );
    return lessons;
  }

  dialog.addEventListener('close', () => (current = undefined));
  return {
    show,
    get current() {
      return current;
    },
    refresh: () => current && dialog.open && show(current).catch(onError),
  };
}
