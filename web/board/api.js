// Talks to /board/api. The session cookie rides along; a 401 sends the person back to sign in.
const project = document.body.dataset.project;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
  }
}

async function handle(res) {
  const body = await res.json().catch(() => undefined);
  if (res.status === 401) {
    location.reload();
    throw new ApiError(401, body);
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

const withProject = (path, params = {}) => {
  const q = new URLSearchParams({ project, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')) });
  return `/board/api${path}?${q}`;
};

export const getJSON = (path, params) => fetch(withProject(path, params), { credentials: 'same-origin' }).then(handle);

export const postJSON = (path, body) =>
  fetch(withProject(path), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then(handle);

export const eventsUrl = () => `/board/events?${new URLSearchParams({ project })}`;
export { project };
