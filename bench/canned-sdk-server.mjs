// The floor of any MCP server built on the SDK for the take-and-finish cycle: the SDK's McpServer over its
// own stdio transport, with Tasklane's two tools and their real input and output schemas, answering
// from memory with results the size and shape of Tasklane's (no database, no engine).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { markStatusInput, nextTaskInput } from '../dist/src/tasks/inputs.js';
import { markStatusOut, nextTaskOut } from '../dist/src/mcp/output-schemas.js';

const server = new McpServer({ name: 'canned', version: '1.0.0' });
const counts = { total: 1000, ready: 999, pending: 999, in_progress: 1, review: 0, completed: 0, failed: 0, blocked: 0, cancelled: 0 };
let n = 0;
server.registerTool('get_next_task', { inputSchema: nextTaskInput, outputSchema: nextTaskOut }, async ({ agent }) => {
  const now = new Date().toISOString();
  const id = `T${n++}`;
  const task = { id, description: `task ${id}`, priority: 3, status: 'in_progress', assignee: agent, attempts: 1, started_at: now, lease_expires_at: now, dependencies: [], blocks: [], version: 2 };
  const message = `claimed ${id} for ${agent} (attempt 1)`;
  const text = `${message}\n${id} [in_progress, P3]\ntask ${id}\nlease until ${now}\nboard: 1000 tasks, 999 ready, 999 pending, 0 completed`;
  return { content: [{ type: 'text', text }], structuredContent: { project: 'p', task, claimed: true, message, counts } };
});
server.registerTool('mark_task_status', { inputSchema: markStatusInput, outputSchema: markStatusOut }, async ({ task_id, agent }) => {
  const now = new Date().toISOString();
  const task = { id: task_id, description: `task ${task_id}`, priority: 3, status: 'completed', assignee: agent, attempts: 1, max_attempts: 3, started_at: now, completed_at: now, status_updated_at: now, dependencies: [], blocks: [], version: 3 };
  const message = `${task_id}: in_progress → completed`;
  return { content: [{ type: 'text', text: message }], structuredContent: { project: 'p', task, changed: true, from_status: 'in_progress', newly_ready: [], message } };
});
await server.connect(new StdioServerTransport());
