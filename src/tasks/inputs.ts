import { z } from 'zod';

// Input shapes shared by every caller of the engine (MCP tools, CLI, importers). Kept terse:
// they become the JSON Schemas an agent reads in tools/list.

export const projectField = z.string().min(1).max(200).optional();
const id = z.string().trim().min(1).max(100);
const text = (max: number) => z.string().max(max);
const priority = z.union([z.number(), z.string()]);
/** A non-negative integer with explicit bounds (zod's defaults add noise to the JSON Schema). */
const count = (max = 1_000_000_000) => z.number().int().min(0).max(max);

export const noteInput = z.union([
  z.string().min(1).max(10_000),
  z.object({ timestamp: z.string().optional(), note: z.string().min(1).max(10_000), agent: z.string().max(200).optional() }),
]);

export const taskInput = z
  .object({
    id,
    title: text(300).optional(),
    description: z.string().min(1).max(20_000),
    details: text(50_000).optional(),
    module: text(200).optional(),
    phase: text(200).optional(),
    tags: z.array(text(100)).max(50).optional(),
    priority: priority.optional(),
    dependencies: z.array(id).max(500).optional(),
    estimated_complexity: text(50).optional(),
    estimate_tokens: count().optional(),
    status: z.string().optional(),
    started_at: z.string().nullable().optional(),
    completed_at: z.string().nullable().optional(),
    result: text(20_000).nullable().optional(),
    attempts: count(1000).optional(),
    notes: z.array(noteInput).max(1000).optional(),
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
  agent: z.string().max(200).optional(),
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
  result: text(20_000).optional(),
  agent: z.string().max(200).optional(),
  used_tokens: count().optional(),
  branch: text(300).optional(),
  commit_sha: text(100).optional(),
  force: z.boolean().optional(),
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
  title: text(300).optional(),
  description: z.string().min(1).max(20_000).optional(),
  details: text(50_000).optional(),
  priority: priority.optional(),
  dependencies: z.array(id).max(500).optional(),
  tags: z.array(text(100)).max(50).optional(),
  phase: text(200).optional(),
  module: text(200).optional(),
  estimated_complexity: text(50).optional(),
  estimate_tokens: count().optional(),
  expected_version: count().optional(),
  agent: z.string().max(200).optional(),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type NextTaskInput = Shape<typeof nextTaskInput>;
export type MarkStatusInput = Shape<typeof markStatusInput>;
export type BreakdownInput = Shape<typeof breakdownInput>;
export type UpdateTaskInput = Shape<typeof updateTaskInput>;
export type WriteTaskListInput = Shape<typeof writeTaskListInput>;
