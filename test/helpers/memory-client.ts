import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Store } from '../../src/db/open.js';
import { createLogger } from '../../src/log.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { testBoard, testLessons } from './engines.js';

/**
 * A linked in-memory transport pair that sends every message through JSON, as stdio and HTTP do: what a
 * client can put on the wire (own `__proto__` keys, lone surrogates as `\ud800`) is what the server gets.
 * A value nested too deep for JSON.stringify (which recurses; JSON.parse on the server side does not
 * mind) is handed over as it is, as JSON.parse would have made it.
 */
function jsonLinkedPair() {
  const pair = InMemoryTransport.createLinkedPair();
  for (const t of pair) {
    const send = t.send.bind(t);
    t.send = (message, options) => {
      let copy = message;
      try {
        copy = JSON.parse(JSON.stringify(message));
      } catch {
        // nested too deep to stringify: sent as built
      }
      return send(copy, options);
    };
  }
  return pair;
}

/** The real MCP server (every tool, prompt and resource) over a store, and the SDK's client connected to it in process. */
export async function connectInMemory(store: Store, defaultProject: string) {
  const board = testBoard(store);
  const lessons = await testLessons(store);
  const server = createMcpServer({ board, lessons, log: createLogger('silent'), defaultProject });
  const [serverSide, clientSide] = jsonLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'fuzz-agent', version: '1.0.0' });
  await client.connect(clientSide);
  return { board, lessons, client, close: async () => { await client.close(); await server.close(); } };
}
