import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { createMcpServer } from '../mcp/server.js';
import { taskInput } from '../tasks/inputs.js';
import type { LessonBook } from '../lessons/lesson-book.js';
import type { TaskBoard } from '../tasks/board.js';
import type { Logger } from '../log.js';

/** The task-breakdown.json file: what `tasklane import` and `export --format json` read and write. */
export const taskBreakdownFile = z
  .object({ generated_at: z.string().optional(), total_tasks: z.number().optional(), tasks: z.array(taskInput) })
  .loose()
  .meta({ title: 'task-breakdown.json', description: 'A Tasklane task breakdown: tasks with dependencies, status fields and notes.' });

type Registered = Record<string, { inputSchema?: z.ZodType }>;

/**
 * Every JSON Schema in schema/, by file name: the breakdown file and each tool's input, as zod 4's
 * toJSONSchema makes them. The tools are read from the server the transports build (its registry is
 * private to the SDK), so a tool added anywhere gets its schema without a list to keep.
 */
export function jsonSchemas(): Record<string, unknown> {
  const server: McpServer = createMcpServer({ board: {} as TaskBoard, lessons: {} as LessonBook, log: {} as Logger, defaultProject: 'default' });
  const tools = (server as unknown as { _registeredTools: Registered })._registeredTools;
  const schemas: Record<string, unknown> = {
    'task-breakdown.schema.json': z.toJSONSchema(taskBreakdownFile, { io: 'input' }),
  };
  for (const name of Object.keys(tools).sort()) {
    const input = tools[name].inputSchema;
    if (input) schemas[`tools/${name}.input.schema.json`] = z.toJSONSchema(input, { io: 'input' });
  }
  return schemas;
}

export const schemaText = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
