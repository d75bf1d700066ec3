import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { LessonBook } from '../lessons/lesson-book.js';
import { recordLessonInput, searchLessonsInput } from '../lessons/inputs.js';
import type { Logger } from '../log.js';
import { recordLessonOut, searchLessonsOut } from './output-schemas.js';
import { renderLessonSearch, renderRecordedLesson } from './render.js';
import { runTool } from './tool-result.js';

export type LessonToolContext = {
  lessons: LessonBook;
  log: Logger;
  defaultProject: string;
  defaultAgent: () => string | null;
};

export function registerLessonTools(server: McpServer, ctx: LessonToolContext): void {
  const { lessons, log } = ctx;
  const project = (p?: string) => p ?? ctx.defaultProject;

  server.registerTool(
    'record_lesson',
    {
      description: 'Record a lesson learned so later agents find it (title defaults to its first line). scope:global shares it with all projects.',
      inputSchema: z.strictObject(recordLessonInput),
      outputSchema: recordLessonOut,
      annotations: { destructiveHint: false, idempotentHint: false },
    },
    async ({ project: p0, agent, ...input }) => {
      const p = project(p0);
      return runTool(log, 'record_lesson', p, () => lessons.record(p, input, agent ?? ctx.defaultAgent()), renderRecordedLesson);
    },
  );

  server.registerTool(
    'search_lessons',
    {
      description: 'Find lessons by words and meaning, best first, in this project and global ones. mode: hybrid or lexical (and why).',
      inputSchema: z.strictObject(searchLessonsInput),
      outputSchema: searchLessonsOut,
      annotations: { readOnlyHint: true },
    },
    async ({ project: p0, ...input }) => {
      const p = project(p0);
      return runTool(log, 'search_lessons', p, () => lessons.search(p, input), renderLessonSearch);
    },
  );
}
