import { ago, h, left, s, put } from './dom.js';

const PARTS = ['completed', 'in_progress', 'review', 'failed', 'blocked', 'cancelled'];

function bar(counts) {
  const total = Math.max(counts.total, 1);
  const rest = counts.total - PARTS.reduce((n, p) => n + counts[p], 0);
  const parts = [...PARTS.filter((p) => counts[p] > 0).map((p) => [p, counts[p]]), ...(rest > 0 ? [['waiting', rest]] : [])];
  let x = 0;
  return s('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': PARTS.map((p) => `${counts[p]} ${p}`).join(', ') },
    ...parts.map(([p, n]) => {
      const w = (100 * n) / total;
      const r = s('rect', { x, y: 0, width: w, height: 10, class: `s-${p}` });
      x += w;
      return r;
    }));
}

function row(label, p) {
  const c = p.counts;
  return h('tr', {},
    h('th', { scope: 'row' }, label),
    h('td', { class: 'num' }, `${c.completed}/${c.total - c.cancelled}`),
    h('td', { class: 'num' }, `${p.progress_percent}%`),
    h('td', { class: 'barcell' }, bar(c)),
    h('td', { class: 'small' }, `ready ${c.ready} · waiting ${c.pending - c.ready} · in progress ${c.in_progress} · review ${c.review} · failed ${c.failed} · blocked ${c.blocked}`));
}

/** Completed per hour for the last 24 hours, as plain SVG bars. */
function chart(perHour) {
  const now = new Date();
  now.setMinutes(0, 0, 0);
  const hours = Array.from({ length: 24 }, (_, i) => new Date(now.getTime() - (23 - i) * 3600_000));
  const byHour = new Map(perHour.map((p) => [Date.parse(p.hour), p.completed]));
  const values = hours.map((d) => byHour.get(d.getTime()) ?? 0);
  const max = Math.max(1, ...values);
  const W = 480, H = 120, bw = W / 24;
  return s('svg', { viewBox: `0 0 ${W} ${H + 18}`, class: 'chart', role: 'img', 'aria-label': `completed per hour, last 24 hours: ${values.join(', ')}` },
    ...values.map((v, i) => s('rect', { x: i * bw + 1, y: H - (H * v) / max, width: bw - 2, height: (H * v) / max, class: 'cbar' }, s('title', {}, `${hours[i].getHours()}:00 — ${v} completed`))),
    s('line', { x1: 0, x2: W, y1: H, y2: H, class: 'axis' }),
    ...[0, 6, 12, 18, 23].map((i) => s('text', { x: i * bw + bw / 2, y: H + 14, 'text-anchor': 'middle', class: 'tick' }, `${hours[i].getHours()}h`)),
    s('text', { x: 2, y: 10, class: 'tick' }, `max ${max}/h`));
}

export function renderProgress(root, p) {
  put(root, 
    h('h2', {}, 'Progress'),
    h('table', { class: 'progress' },
      h('tbody', {}, row('All phases', p.total), ...p.phases.map((ph) => row(ph.phase ?? '(no phase)', ph)))),
    h('h2', {}, 'Completed per hour'),
    chart(p.completed_per_hour),
  );
}

export function renderAgents(root, a, open) {
  const taskLink = (id) => h('a', { href: '#', onclick: (e) => (e.preventDefault(), open(id)) }, id);
  put(root, 
    h('h2', {}, `Agents (${a.agents.length})`),
    a.agents.length === 0 ? h('p', { class: 'muted' }, 'nobody holds a task right now') :
      h('table', { class: 'agents' },
        h('thead', {}, h('tr', {}, ['agent', 'task', 'status', 'since', 'last heartbeat', 'lease'].map((c) => h('th', {}, c)))),
        h('tbody', {}, a.agents.flatMap((ag) => ag.holds.map((x, i) => h('tr', {},
          h('td', {}, i === 0 ? ag.agent : ''),
          h('td', {}, taskLink(x.task_id), ' ', x.title ?? ''),
          h('td', {}, x.status),
          h('td', {}, ago(x.since)),
          h('td', {}, ago(x.last_heartbeat_at)),
          h('td', { dataset: x.lease_expires_at ? { lease: x.lease_expires_at } : {} }, left(x.lease_expires_at))))))),
    h('h2', {}, 'Recent failures'),
    a.recent_failures.length === 0 ? h('p', { class: 'muted' }, 'none') :
      h('ul', { class: 'failures' }, a.recent_failures.map((f) => h('li', {}, taskLink(f.task_id), ` ${f.title ?? ''} — ${ago(f.failed_at)}, ${f.attempts} attempt(s)`, f.result && h('div', { class: 'note' }, f.result)))),
  );
}
