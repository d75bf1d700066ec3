import { z } from 'zod';

// Output shapes, as terse as the JSON Schemas they become in tools/list.
const num = z.number();
const str = z.string().optional();

/** A task's identity and state, typed; its other fields (listed in the README) come along untyped. */
export const taskOut = z.object({ id: z.string(), status: z.string() }).loose();

export const countsOut = z.record(z.string(), num);

export const writeTaskListOut = {
  project: z.string(),
  mode: z.enum(['merge', 'replace']),
  created: num,
  updated: num,
  unchanged: num,
  removed: z.array(z.string()),
  total_tasks: num,
};

export const nextTaskOut = {
  project: z.string(),
  task: taskOut.nullable(),
  claimed: z.boolean(),
  reason: z.enum(['all_done', 'waiting', 'blocked', 'empty']).optional(),
  message: z.string(),
  waiting_on: z.array(z.object({ id: z.string() }).loose()).optional(),
  blocked_chains: z.array(z.string()).optional(),
  counts: countsOut,
  /** {id, title, body, score}, as documented in the README. */
  lessons: z.array(z.looseObject({ id: z.string() })).optional(),
};

/** The other fields (title, body, tags, task_id, created_by, created_at, scope, matched_by) are in the README. */
const lessonOut = z.looseObject({ id: z.string(), score: num });

export const searchLessonsOut = {
  project: z.string(),
  mode: z.enum(['hybrid', 'lexical']),
  lexical_reason: str,
  lessons: z.array(lessonOut),
};

export const recordLessonOut = {
  id: z.string(),
  title: z.string(),
  scope: z.enum(['project', 'global']),
  embedding: z.enum(['queued', 'disabled']),
};

export const markStatusOut = {
  project: z.string(),
  task: taskOut,
  changed: z.boolean(),
  from_status: z.string(),
  newly_ready: z.array(z.string()),
  message: z.string(),
};

const count = num;
export const breakdownOut = {
  project: z.string(),
  generated_at: z.string(),
  total_tasks: count,
  pending_count: count,
  ready_count: count,
  in_progress_count: count,
  review_count: count,
  completed_count: count,
  failed_count: count,
  blocked_count: count,
  cancelled_count: count,
  progress_percent: num,
  offset: count,
  next_offset: count.optional(),
  tasks: z.array(taskOut),
  message: z.string().optional(),
};

export const updateTaskOut = {
  project: z.string(),
  task: taskOut,
  changed: z.array(z.string()),
  message: z.string(),
};

export const heartbeatOut = {
  project: z.string(),
  task_id: z.string(),
  status: z.string(),
  lease_expires_at: z.string(),
  message: z.string(),
};
