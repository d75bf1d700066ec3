import { getJSON } from './api.js';
import { h, put } from './dom.js';

export async function renderLessons(root) {
  const results = h('div', { class: 'lessons-list' });
  const form = h('form', { class: 'filters' }, h('input', { name: 'q', type: 'search', placeholder: 'search lessons', 'aria-label': 'search lessons' }), h('button', {}, 'Search'));
  const load = async (q) => {
    try {
      const r = await getJSON('/lessons', { q });
      if (r.available === false) return put(results, h('p', { class: 'muted' }, 'Lessons are not available on this server yet.'));
      put(results, ...(r.lessons ?? []).map((l) => h('article', { class: 'lesson' }, h('h3', {}, l.title), h('p', {}, l.body))));
      if (!(r.lessons ?? []).length) put(results, h('p', { class: 'muted' }, r.message ?? 'no lessons match'));
    } catch (err) {
      put(results, h('p', { class: 'muted' }, err.message));
    }
  };
  form.addEventListener('submit', (e) => (e.preventDefault(), load(form.elements.q.value)));
  put(root, h('h2', {}, 'Lessons'), form, results);
  await load('');
}
