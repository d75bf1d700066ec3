import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface ProjectsTable {
  id: string;
  name: string;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
}

export interface TasksTable {
  project_id: string;
  id: string;
  seq: Generated<string>;
  title: string | null;
  description: string;
  details: string | null;
  module: string | null;
  phase: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  priority: Generated<number>;
  estimated_complexity: string | null;
  estimate_tokens: number | null;
  used_tokens: number | null;
  status: Generated<string>;
  assignee: string | null;
  branch: string | null;
  commit_sha: string | null;
  result: string | null;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  status_updated_at: NullableTimestamp;
  lease_expires_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  unmet_deps: Generated<number>;
  /** Flipped by a statement that counts its own move in task_counts (migrations/0010_self_counted_moves.ts). */
  count_flip: Generated<boolean>;
  version: Generated<number>;
  /** What the write that last set the task was given, and the version it left (migrations/0012_written_digest.ts). */
  written_digest: string | null;
  written_version: number | null;
  metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TaskDependenciesTable {
  project_id: string;
  task_id: string;
  depends_on: string;
}

export interface TaskEventsTable {
  id: Generated<string>;
  project_id: string;
  task_id: string;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor: string | null;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  data: Json<Record<string, unknown> | null> | null;
  /** The token name or OAuth subject that made the event (null: stdio, the CLI, or no auth). */
  credential: Generated<string | null>;
}

export interface ApiTokensTable {
  name: string;
  token_hash: string;
  role: string;
  /** null: every project. */
  projects: string[] | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
}

export interface LessonsTable {
  id: Generated<string>;
  project_id: string | null;
  task_id: string | null;
  title: string;
  body: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: Generated<Date>;
  embedding_model: string | null;
  embedding_dim: number | null;
}

export interface EmbeddingJobsTable {
  lesson_id: string;
  model: string;
  attempts: Generated<number>;
  last_error: string | null;
  next_try_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: Generated<Date>;
}

export interface Database {
  projects: ProjectsTable;
  tasks: TasksTable;
  task_dependencies: TaskDependenciesTable;
  task_events: TaskEventsTable;
  lessons: LessonsTable;
  embedding_jobs: EmbeddingJobsTable;
  api_tokens: ApiTokensTable;
}

export type Db = Kysely<Database> | Transaction<Database>;
export type TaskRow = Selectable<TasksTable>;

/**
 * The columns a task shows in tools' answers (src/tasks/task-view.ts). A claim and a holder's report
 * return these, not the whole row: the other nine (the metadata, three timestamps, the bookkeeping)
 * cost each of those statements ~8 % of its time on PGlite to write out and read back.
 */
export const VIEWED_TASK_COLUMNS = [
  'id', 'title', 'description', 'details', 'module', 'phase', 'tags', 'priority', 'estimated_complexity', 'estimate_tokens', 'used_tokens',
  'status', 'unmet_deps', 'assignee', 'branch', 'commit_sha', 'result', 'attempts', 'max_attempts',
  'started_at', 'completed_at', 'status_updated_at', 'lease_expires_at', 'version',
] as const satisfies ReadonlyArray<keyof TaskRow>;
export type ViewedTaskRow = Pick<TaskRow, (typeof VIEWED_TASK_COLUMNS)[number]>;
export type TaskEventRow = Selectable<TaskEventsTable>;
export type LessonRow = Selectable<LessonsTable>;
