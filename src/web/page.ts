// Server-rendered shells. The data comes from /board/api through board/app.js; nothing secret is ever rendered.

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const head = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/board/assets/board.css">
</head>`;

/** Who is signed in: the page shows it, a sign-out, and only the actions the role may take. */
export type SignedIn = { credential: string; role: string; actions: string[] };

export function boardPage(project: string, me?: SignedIn): string {
  const actions = me ? me.actions.join(' ') : 'note priority retry cancel';
  return `${head(`${project} · Tasklane board`)}
<body data-project="${escape(project)}" data-actions="${escape(actions)}">
<header class="top">
  <h1>Tasklane <span class="project" id="project-name">${escape(project)}</span></h1>
  <nav class="tabs" role="tablist">
    <button role="tab" data-tab="board" aria-selected="true">Board</button>
    <button role="tab" data-tab="progress">Progress</button>
    <button role="tab" data-tab="graph">Graph</button>
    <button role="tab" data-tab="agents">Agents</button>
    <button role="tab" data-tab="lessons">Lessons</button>
  </nav>
  <span id="live" class="live" title="live updates">connecting…</span>
  ${me ? `<form method="post" action="/board/logout" class="signed-in"><span id="who">${escape(me.credential)} · ${escape(me.role)}</span> <button type="submit" id="sign-out">Sign out</button></form>` : ''}
</header>
<main>
  <section id="tab-board" class="tab">
    <form id="filters" class="filters">
      <input name="text" type="search" placeholder="filter text" aria-label="text filter">
      <select name="phase" aria-label="phase"><option value="">all phases</option></select>
      <select name="module" aria-label="module"><option value="">all modules</option></select>
      <select name="tag" aria-label="tag"><option value="">all tags</option></select>
      <select name="agent" aria-label="agent"><option value="">all agents</option></select>
    </form>
    <div id="summary" class="summary"></div>
    <div id="columns" class="columns"></div>
  </section>
  <section id="tab-progress" class="tab" hidden></section>
  <section id="tab-graph" class="tab" hidden>
    <form id="graph-scope" class="filters">
      <select name="phase" aria-label="graph phase"><option value="">whole project</option></select>
      <input name="task" placeholder="task id (its chain)" aria-label="graph task">
      <button type="submit">Draw</button>
    </form>
    <div id="graph-notes" class="notes"></div>
    <div id="graph" class="graph"></div>
  </section>
  <section id="tab-agents" class="tab" hidden></section>
  <section id="tab-lessons" class="tab" hidden></section>
</main>
<dialog id="detail" class="detail"><div id="detail-body"></div></dialog>
<script type="module" src="/board/assets/app.js"></script>
</body>
</html>
`;
}

export function loginPage(project: string, failed: boolean, tokenHint?: string, refusal?: string): string {
  return `${head('Sign in · Tasklane board')}
<body class="login">
<main>
  <form method="post" action="/board/login" class="login-form">
    <h1>Tasklane board</h1>
    <p>This board needs the server's token, or an orchestrator's or admin's token from <code>tasklane token create</code>.</p>
    ${tokenHint ? `<p class="hint">${escape(tokenHint)}</p>` : ''}
    ${failed ? `<p class="error" role="alert">${escape(refusal ?? 'That token is not right.')}</p>` : ''}
    <input type="hidden" name="project" value="${escape(project)}">
    <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}
