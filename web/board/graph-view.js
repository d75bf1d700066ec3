import dagre from '/board/vendor/dagre.esm.js';
import { h, s, put } from './dom.js';

const W = 150;
const H = 44;

/** Lays the graph out with dagre and draws it as SVG; deadlock chains are drawn in red. */
export function renderGraph(container, notes, graph, open) {
  const chainNodes = new Set(graph.deadlock_chains.flat());
  const chainEdges = new Set();
  for (const chain of graph.deadlock_chains) for (let i = 0; i + 1 < chain.length; i++) chainEdges.add(`${chain[i + 1]}>${chain[i]}`);

  put(notes, 
    h('span', {}, `${graph.nodes.length} tasks, ${graph.edges.length} dependencies`),
    graph.truncated && h('span', { class: 'warn' }, ' · cut short: choose a phase or a task'),
    ...graph.deadlock_chains.map((c) => h('div', { class: 'deadlock' }, `deadlock: ${c.join(' → ')} (${graph.nodes.find((n) => n.id === c[c.length - 1])?.status ?? ''})`)),
  );
  if (graph.nodes.length === 0) {
    put(container, h('p', { class: 'muted' }, 'no tasks here'));
    return;
  }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 40, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: W, height: H });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const { width, height } = g.graph();

  const edges = graph.edges.map((e) => {
    const pts = g.edge(e.from, e.to).points;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return s('path', { d, class: chainEdges.has(`${e.from}>${e.to}`) ? 'edge chain' : 'edge', 'marker-end': 'url(#arrow)' });
  });
  const nodes = graph.nodes.map((n) => {
    const { x, y } = g.node(n.id);
    const status = n.status === 'pending' ? (n.ready ? 'ready' : 'waiting') : n.status;
    const cls = ['node', `s-${status}`, chainNodes.has(n.id) && 'chain', n.focus && 'focus', n.external && 'external'].filter(Boolean).join(' ');
    const label = n.title.length > 22 ? `${n.title.slice(0, 21)}…` : n.title;
    const el = s('g', { class: cls, transform: `translate(${x - W / 2},${y - H / 2})`, tabindex: 0, role: 'button', 'data-id': n.id },
      s('title', {}, `${n.id} (${n.status}) ${n.title}`),
      s('rect', { width: W, height: H, rx: 6 }),
      s('text', { x: 8, y: 17, class: 'nid' }, n.id),
      s('text', { x: 8, y: 34 }, label));
    el.addEventListener('click', () => open(n.id));
    el.addEventListener('keydown', (ev) => ev.key === 'Enter' && open(n.id));
    return el;
  });
  put(container, 
    s('svg', { viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width), height: Math.ceil(height), role: 'img', 'aria-label': 'dependency graph' },
      s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z' }))),
      edges, nodes),
  );
}
