import { eventsUrl, getJSON } from './api.js';
import { renderColumns, renderFilters, tickLeases } from './board-view.js';
import { createDetail } from './detail-view.js';
import { h, put } from './dom.js';
import { renderGraph } from './graph-view.js';
import { renderLessons } from './lessons-view.js';
import { renderAgents, renderProgress } from './progress-view.js';

const $ = (sel) => document.querySelector(sel);
const state = { tab: 'board', snapshot: undefined, filter: {} };
const live = $('#live');

function showError(err) {
  const box = h('div', { class: 'toast', role: 'alert' }, err.message ?? String(err));
  document.body.append(box);
  setTimeout(() => box.remove(), 6000);
}

const detail = createDetail($('#detail'), $('#detail-body'), { open: (id) => openTask(id), onError: showError });
function openTask(id) {
  detail.show(id).catch(showError);
}

async function loadBoard() {
  state.snapshot = await getJSON('/snapshot');
  const phases = renderFilters($('#filters'), state.snapshot.tasks);
  const graphPhase = $('#graph-scope').elements.phase;
  const current = graphPhase.value;
  put(graphPhase, h('option', { value: '' }, 'whole project'), ...[...phases].sort().map((p) => h('option', { value: p }, p)));
  graphPhase.value = phases.has(current) ? current : '';
  drawBoard();
}

function drawBoard() {
  const f = new FormData($('#filters'));
  state.filter = Object.fromEntries([...f].filter(([, v]) => v !== ''));
  renderColumns($('#columns'), $('#summary'), state.snapshot, state.filter, openTask);
}

async function loadGraph() {
  const f = $('#graph-scope').elements;
  const graph = await getJSON('/graph', { phase: f.phase.value, task: f.task.value.trim() });
  renderGraph($('#graph'), $('#graph-notes'), graph, openTask);
}

const loaders = {
  board: loadBoard,
  progress: async () => renderProgress($('#tab-progress'), await getJSON('/progress')),
  graph: loadGraph,
  agents: async () => renderAgents($('#tab-agents'), await getJSON('/agents'), openTask),
  lessons: () => renderLessons($('#tab-lessons')),
};

function refresh() {
  const jobs = [loaders[state.tab]()];
  if (state.tab !== 'board') jobs.push(loadBoard());
  return Promise.all(jobs).catch(showError);
}

function selectTab(tab) {
  state.tab = tab;
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const sec of document.querySelectorAll('.tab')) sec.hidden = sec.id !== `tab-${tab}`;
  history.replaceState(null, '', `${location.pathname}${location.search}#${tab}`);
  loaders[tab]().catch(showError);
}

// Live: a change re-reads what is on screen, at most every 400 ms. After a reconnect the whole
// snapshot is read again, since changes made meanwhile are not replayed.
let pending;
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(async () => {
    pending = undefined;
    await Promise.all([refresh(), detail.refresh()]);
  }, 400);
}

function connect() {
  const source = new EventSource(eventsUrl());
  let opened = false;
  source.addEventListener('ready', () => {
    live.textContent = 'live';
    live.className = 'live on';
    if (opened) scheduleRefresh();
    opened = true;
  });
  source.addEventListener('change', scheduleRefresh);
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  });
}

for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => selectTab(b.dataset.tab));
$('#filters').addEventListener('input', () => state.snapshot && drawBoard());
$('#filters').addEventListener('submit', (e) => e.preventDefault());
$('#graph-scope').addEventListener('submit', (e) => (e.preventDefault(), loadGraph().catch(showError)));
$('#detail').addEventListener('click', (e) => e.target === e.currentTarget && e.currentTarget.close());
setInterval(() => tickLeases(document), 15_000);

const initial = location.hash.slice(1);
loadBoard().catch(showError);
if (initial && initial in loaders && initial !== 'board') selectTab(initial);
connect();
