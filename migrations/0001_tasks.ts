import { type Kysely, sql } from 'kysely';

// One statement per entry: prepared statements take one command at a time.
const STATEMENTS = [
  `create table projects (
    id text primary key,
    name text not null,
    settings jsonb not null default '{}',
    created_at timestamptz not null default now()
  )`,
  `create table tasks (
    project_id text not null references projects (id) on delete cascade,
    id text not null,
    seq bigint generated always as identity,
    title text,
    description text not null,
    details text,
    module text,
    phase text,
    tags text[] not null default '{}',
    priority int not null default 3,
    estimated_complexity text,
    estimate_tokens int,
    used_tokens int,
    status text not null default 'pending'
      check (status in ('pending', 'in_progress', 'review', 'completed', 'failed', 'blocked', 'cancelled')),
    assignee text,
    branch text,
    commit_sha text,
    result text,
    attempts int not null default 0,
    max_attempts int not null default 3,
    started_at timestamptz,
    completed_at timestamptz,
    status_updated_at timestamptz,
    lease_expires_at timestamptz,
    unmet_deps int not null default 0 check (unmet_deps >= 0),
    version int not null default 1,
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id)
  )`,
  `-- The ready set: a claim is an index scan over this, never a dependency check.
  create index tasks_ready on tasks (project_id, priority, seq) where status = 'pending' and unmet_deps = 0`,
  `create index tasks_by_seq on tasks (project_id, seq)`,
  `create index tasks_by_status on tasks (project_id, status)`,
  `create index tasks_leases on tasks (lease_expires_at) where status = 'in_progress'`,
  `create table task_dependencies (
    project_id text not null,
    task_id text not null,
    depends_on text not null,
    primary key (project_id, task_id, depends_on),
    foreign key (project_id, task_id) references tasks (project_id, id) on delete cascade,
    foreign key (project_id, depends_on) references tasks (project_id, id) on delete cascade,
    check (task_id <> depends_on)
  )`,
  `create index task_dependencies_dependents on task_dependencies (project_id, depends_on)`,
  `create table task_events (
    id bigint generated always as identity primary key,
    project_id text not null,
    task_id text not null,
    at timestamptz not null default now(),
    actor text,
    kind text not null,
    from_status text,
    to_status text,
    note text,
    data jsonb,
    foreign key (project_id, task_id) references tasks (project_id, id) on delete cascade
  )`,
  `create index task_events_by_task on task_events (project_id, task_id, at, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['task_events', 'task_dependencies', 'tasks', 'projects']) await sql.raw(`drop table ${table}`).execute(db);
}
