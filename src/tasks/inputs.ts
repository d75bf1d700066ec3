import { z } from 'zod';

// Input shapes shared by every caller of the engine (MCP tools, CLI, importers). Kept terse:
// they become the JSON Schemas an agent reads in tools/list.

export const projectField = z.string().min(1).optional();
const id = z.string().trim().min(1);
const text = (max: number) => z.string().max(max);
const priority = z.union([z.number(), z.string()]);
/** A non-negative integer with explicit bounds (zod's defaults add noise to the JSON Schema). */
const count = (max = 1_000_000_000) => z.number().int().min(0).max(max);

export const noteInput = z.union([
  z.string().min(1),
  z.object({ timestamp: z.string().optional(), note: z.string().min(1).max(10_000), agent: z.string().optional() }),
]);

export const taskInput = z
  .object({
    id,
    title: z.string().optional(),
    description: z.string().min(1).max(20_000),
    details: text(50_000).optional(),
    module: z.string().optional(),
    phase: z.string().optional(),
    tags: z.array(z.string()).optional(),
    priority: priority.optional(),
    dependencies: z.array(id).optional(),
    estimated_complexity: z.string().optional(),
    estimate_tokens: count().optional(),
    status: z.string().optional(),
    started_at: z.string().nullable().optional(),
    completed_at: z.string().nullable().optional(),
    result: z.string().nullable().optional(),
    attempts: count(1000).optional(),
    max_attempts: count(100).optional(),
    notes: z.array(noteInput).optional(),
  })
  .loose();
export type TaskInput = z.infer<typeof taskInput>;

export const writeTaskListInput = {
  project: projectField,
  tasks: z.array(taskInput).max(10_000),
  mode: z.enum(['merge', 'replace']).optional(),
};

export const nextTaskInput = {
  project: projectField,
  agent: z.string().optional(),
  claim: z.boolean().optional(),
  lease_seconds: z.number().int().min(10).max(604_800).optional(),
  phase: z.string().optional(),
  module: z.string().optional(),
  tags: z.array(z.string()).optional(),
  skip_dependencies: z.boolean().optional(),
};

export const markStatusInput = {
  project: projectField,
  task_id: id,
  status: z.string().min(1),
  notes: z.string().max(10_000).optional(),
  result: z.string().optional(),
  agent: z.string().optional(),
  used_tokens: count().optional(),
  branch: z.string().optional(),
  commit_sha: z.string().optional(),
  force: z.boolean().optional(),
  expected_version: count().optional(),
};

export const heartbeatInput = {
  project: projectField,
  task_id: id,
  agent: z.string().min(1),
  lease_seconds: z.number().int().min(10).max(604_800).optional(),
  note: z.string().max(10_000).optional(),
};

export const breakdownInput = {
  project: projectField,
  status: z.string().optional(),
  phase: z.string().optional(),
  include_notes: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  offset: count().optional(),
};

export const updateTaskInput = {
  project: projectField,
  task_id: id,
  title: z.string().optional(),
  description: z.string().min(1).max(20_000).optional(),
  details: text(50_000).optional(),
  priority: priority.optional(),
  dependencies: z.array(id).optional(),
  tags: z.array(z.string()).optional(),
  phase: z.string().optional(),
  module: z.string().optional(),
  estimated_complexity: z.string().optional(),
  estimate_tokens: count().optional(),
  max_attempts: count(100).optional(),
  expected_version: count().optional(),
  agent: z.string().optional(),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type NextTaskInput = Shape<typeof nextTaskInput>;
export type MarkStatusInput = Shape<typeof markStatusInput>;
export type BreakdownInput = Shape<typeof breakdownInput>;
export type UpdateTaskInput = Shape<typeof updateTaskInput>;
export type WriteTaskListInput = Shape<typeof writeTaskListInput>;
export type HeartbeatInput = Shape<typeof heartbeatInput>;
