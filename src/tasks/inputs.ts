import { z } from 'zod';
import { MAX_WAIT_SECONDS } from './wait-for-work.js';
import { callSizeProblem, idProblem, idString, LIMITS, labelString, listOf, reportJsonValue, stringProblem, textString } from './input-rules.js';

// Input shapes shared by every caller of the engine (MCP tools, CLI, importers). Kept terse:
// they become the JSON Schemas an agent reads in tools/list. Limits are refinements (input-rules.ts).

export const projectField = idString().optional();
const id = idString();
const priority = z.union([z.number(), labelString()]);
const time = textString(LIMITS.time);
/** A non-negative integer with explicit bounds (zod's defaults add noise to the JSON Schema); all within int4. */
const count = (max = 1_000_000_000) => z.number().int().min(0).max(max);

export const noteInput = z.union([
  textString(LIMITS.note).min(1),
  z.object({ timestamp: time.optional(), note: textString(LIMITS.note).min(1), agent: id.optional() }),
]);

/** The status fields a tracker carries besides the declared ones (write_task_list takes them too), and their rules. */
const TRACKER_FIELDS: Record<string, (v: unknown) => string | undefined> = {
  assignee: (v) => (v === null ? undefined : typeof v === 'string' ? idProblem(v) : 'expected a string (an agent name) or null'),
  branch: (v) => (v === null ? undefined : typeof v === 'string' ? stringProblem(v, LIMITS.label) : 'expected a string or null'),
  commit_sha: (v) => (v === null ? undefined : typeof v === 'string' ? stringProblem(v, LIMITS.commitSha) : 'expected a string or null'),
  used_tokens: (v) => (v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000_000) ? undefined : 'expected an integer from 0 to 1000000000'),
};

const taskShape = {
  id,
  title: textString(LIMITS.title).optional(),
  description: textString(LIMITS.description).min(1),
  details: textString(LIMITS.details).optional(),
  module: labelString().optional(),
  phase: labelString().optional(),
  tags: listOf(labelString(), LIMITS.tags).optional(),
  priority: priority.optional(),
  dependencies: listOf(id, LIMITS.dependencies).optional(),
  estimated_complexity: labelString().optional(),
  estimate_tokens: count().optional(),
  status: labelString().optional(),
  started_at: time.nullable().optional(),
  completed_at: time.nullable().optional(),
  result: textString(LIMITS.result).nullable().optional(),
  attempts: count(1000).optional(),
  max_attempts: count(100).optional(),
  notes: listOf(noteInput, LIMITS.notes).optional(),
};

/** A task: its declared fields, the tracker's status fields, and any other key kept as metadata (bounded, storable). */
export const taskInput = z
  .object(taskShape)
  .loose()
  .superRefine((task, ctx) => {
    // Run on every task of an import: a task with no extra fields allocates nothing here.
    let extra: Record<string, unknown> | undefined;
    let storable = true;
    for (const key in task) {
      if (!Object.hasOwn(task, key) || Object.hasOwn(taskShape, key)) continue;
      const value = (task as Record<string, unknown>)[key];
      const rule = Object.hasOwn(TRACKER_FIELDS, key) ? TRACKER_FIELDS[key] : undefined;
      if (rule) {
        const problem = rule(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
        continue;
      }
      const keyProblem = stringProblem(key, LIMITS.label);
      if (keyProblem) ctx.addIssue({ code: 'custom', message: `this field's name ${keyProblem}`, path: [key] });
      if (reportJsonValue(ctx, value, [key])) storable = false;
      extra ??= {};
      extra[key] = value;
    }
    // Measured only once the nesting is known to be shallow: JSON.stringify recurses.
    const size = storable && extra ? JSON.stringify(extra).length : 0;
    if (size > LIMITS.metadataChars) {
      ctx.addIssue({ code: 'custom', message: `the extra fields (kept as metadata) are ${size} characters as JSON; the limit is ${LIMITS.metadataChars}` });
    }
  });
export type TaskInput = z.infer<typeof taskInput>;

export const writeTaskListInput = {
  project: projectField,
  tasks: listOf(taskInput, LIMITS.tasks).superRefine((tasks, ctx) => {
    // Measured only when every task passed: a task nested too deep would make JSON.stringify overflow.
    const problem = ctx.issues.length ? undefined : callSizeProblem(tasks);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  mode: z.enum(['merge', 'replace']).optional(),
};

const leaseSeconds = z.number().int().min(10).max(604_800);

export const nextTaskInput = {
  project: projectField,
  agent: id.optional(),
  claim: z.boolean().optional(),
  lease_seconds: leaseSeconds.optional(),
  phase: labelString().optional(),
  module: labelString().optional(),
  tags: listOf(labelString(), LIMITS.tags).optional(),
  skip_dependencies: z.boolean().optional(),
  wait_seconds: count(MAX_WAIT_SECONDS).optional(),
};

export const markStatusInput = {
  project: projectField,
  task_id: id,
  status: labelString().min(1),
  notes: textString(LIMITS.note).optional(),
  result: textString(LIMITS.result).optional(),
  agent: id.optional(),
  used_tokens: count().optional(),
  branch: labelString().optional(),
  commit_sha: textString(LIMITS.commitSha).optional(),
  force: z.boolean().optional(),
  expected_version: count().optional(),
};

export const heartbeatInput = {
  project: projectField,
  task_id: id,
  agent: id,
  lease_seconds: leaseSeconds.optional(),
  note: textString(LIMITS.note).optional(),
};

export const breakdownInput = {
  project: projectField,
  status: labelString().optional(),
  phase: labelString().optional(),
  include_notes: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  offset: count().optional(),
};

export const updateTaskInput = {
  project: projectField,
  task_id: id,
  title: textString(LIMITS.title).optional(),
  description: textString(LIMITS.description).min(1).optional(),
  details: textString(LIMITS.details).optional(),
  priority: priority.optional(),
  dependencies: listOf(id, LIMITS.dependencies).optional(),
  tags: listOf(labelString(), LIMITS.tags).optional(),
  phase: labelString().optional(),
  module: labelString().optional(),
  estimated_complexity: labelString().optional(),
  estimate_tokens: count().optional(),
  max_attempts: count(100).optional(),
  expected_version: count().optional(),
  agent: id.optional(),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type NextTaskInput = Shape<typeof nextTaskInput>;
export type MarkStatusInput = Shape<typeof markStatusInput>;
export type BreakdownInput = Shape<typeof breakdownInput>;
export type UpdateTaskInput = Shape<typeof updateTaskInput>;
export type WriteTaskListInput = Shape<typeof writeTaskListInput>;
export type HeartbeatInput = Shape<typeof heartbeatInput>;
