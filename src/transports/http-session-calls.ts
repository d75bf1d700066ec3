import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { asJsonRpcMessage } from './jsonrpc-shape.js';
import { type JSONRPCMessage, type MessageExtraInfo, type RequestId, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

type AuthInfo = MessageExtraInfo['authInfo'];

/**
 * One HTTP session's transport: the SDK's streamable HTTP transport, with a shorter way for the common
 * call. A POST of one JSON-RPC request on an open session, answered as JSON (this server never streams
 * a call's answer), goes to the MCP server directly and its answer is written back as the body. The SDK
 * would first turn the Node request into a web Request and its answer into a web Response (hono's
 * adapter), then map the request to a stream and back: measured as about a fifth of the server's CPU
 * per call (bench/profile-cycle.ts http). Everything else (initialize, notifications, batches, GET
 * streams, DELETE, and any request the SDK would refuse: wrong Accept or Content-Type, an unknown
 * protocol version, a message that is not JSON-RPC) goes through the SDK's transport, unchanged.
 */
export class SessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  /** Calls answered here, by request id: where their answer goes. */
  readonly #calls = new Map<RequestId, (message: JSONRPCMessage) => void>();

  constructor(readonly sdk: StreamableHTTPServerTransport) {}

  get sessionId(): string | undefined {
    return this.sdk.sessionId;
  }

  async start(): Promise<void> {
    this.sdk.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.sdk.onclose = () => this.onclose?.();
    this.sdk.onerror = (error) => this.onerror?.(error);
    await this.sdk.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answered = 'id' in message && ('result' in message || 'error' in message) ? message.id : undefined;
    const id = answered ?? options?.relatedRequestId;
    if (id !== undefined && this.#calls.has(id)) {
      // A call's own answer; anything else about it (progress, say) has nowhere to go in a JSON answer,
      // as with the SDK's transport in JSON mode.
      if (answered !== undefined) this.#calls.get(id)!(message);
      return;
    }
    return this.sdk.send(message, options);
  }

  close(): Promise<void> {
    return this.sdk.close();
  }

  /** Answers the request: here when it is a plain call, else through the SDK's transport. */
  handleRequest(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, body: unknown): Promise<void> {
    const message = req.method === 'POST' ? this.plainCall(req, body) : undefined;
    if (!message) return this.sdk.handleRequest(req, res, body);
    this.answer(message, req, res);
    return Promise.resolve();
  }

  /** Hands a plain call (see plainCall) to the MCP server; its answer becomes the response's JSON body. */
  answer(message: JSONRPCMessage & { id: RequestId }, req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): void {
    const id = message.id;
    this.#calls.set(id, (answer) => {
      this.#calls.delete(id);
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'mcp-session-id': this.sessionId! });
      res.end(text);
    });
    // A call cancelled by the client is never answered: its entry goes when the client hangs up.
    res.once('close', () => this.#calls.delete(id));
    const requestInfo = { headers: req.headers as Record<string, string>, url: new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`) };
    this.onmessage?.(message, { authInfo: req.auth, requestInfo });
  }

  /** The request, when it is one JSON-RPC request (not initialize) that the SDK would take as it is. */
  plainCall(req: IncomingMessage, body: unknown): (JSONRPCMessage & { id: RequestId }) | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const { method, id } = body as { method?: unknown; id?: unknown };
    if (typeof method !== 'string' || method === 'initialize' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
    const accept = req.headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (!isJsonContentType(req.headers['content-type'] ?? null)) return undefined;
    const version = req.headers['mcp-protocol-version'];
    if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) return undefined;
    if (req.headers['mcp-session-id'] !== this.sessionId || this.sessionId === undefined || this.#calls.has(id)) return undefined;
    const message = asJsonRpcMessage(body);
    return message && 'method' in message && 'id' in message ? (message as JSONRPCMessage & { id: RequestId }) : undefined;
  }
}
