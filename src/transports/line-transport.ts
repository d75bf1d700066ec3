import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { asJsonRpcMessage } from './jsonrpc-shape.js';
import { errorLine, INVALID_REQUEST, LineSplitter, PARSE_ERROR, type RawId, tooLargeMessage } from './line-framing.js';

export type LineTransportOptions = {
  /** The largest message read; a longer one is answered with an error and dropped. */
  maxMessageBytes: number;
  /** Bytes already read from the input (what followed a socket's hello line). */
  head?: Buffer;
  /** End the output stream on close (a socket); process.stdout is left open. */
  endOutput?: boolean;
};

const idText = (value: unknown): RawId => (typeof value === 'number' || typeof value === 'string' ? JSON.stringify(value) : null);

/**
 * MCP over newline-delimited JSON-RPC on any pair of streams (stdio, a socket). Unlike the SDK's stdio
 * transport it survives what a client may send: an oversized message gets an error and is dropped
 * without being buffered, a malformed line gets -32700, and when the input ends every request already
 * received is answered before the transport closes.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #splitter: LineSplitter;
  readonly #unanswered = new Set<RequestId>();
  #inputEnded = false;
  #lines = 0;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: LineTransportOptions,
  ) {
    this.#splitter = new LineSplitter(
      options.maxMessageBytes,
      (line) => this.#onLine(line),
      (id, bytes) => this.#write(errorLine(id, INVALID_REQUEST, tooLargeMessage(bytes, options.maxMessageBytes), ++this.#lines)),
    );
  }

  async start(): Promise<void> {
    this.input.on('data', this.#onData);
    this.input.once('end', this.#onEnd);
    this.input.once('close', this.#onEnd);
    this.input.on('error', this.#onStreamError);
    if ((this.output as unknown) !== this.input) this.output.on('error', this.#onStreamError);
    if (this.options.head?.length) this.#splitter.push(this.options.head);
    this.input.resume();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && ('result' in message || 'error' in message)) this.#unanswered.delete(message.id as RequestId);
    const flushed = this.#write(`${JSON.stringify(message)}\n`);
    if (this.#inputEnded && this.#unanswered.size === 0) void this.close();
    return flushed;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.input.off('data', this.#onData);
      // Whatever was written is flushed before the owner may exit.
      await new Promise<void>((resolve) => {
        if (this.output.destroyed || !this.output.writable) return resolve();
        if (this.options.endOutput) this.output.end(resolve);
        else this.output.write('', () => resolve());
      });
      this.onclose?.();
    })();
    return this.#closing;
  }

  #write(text: string): Promise<void> {
    if (this.output.destroyed || !this.output.writable) return Promise.resolve();
    if (this.output.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.output.off('drain', done);
        this.output.off('close', done);
        resolve();
      };
      this.output.once('drain', done);
      this.output.once('close', done);
    });
  }

  #onData = (chunk: Buffer | string) => this.#splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);

  #onEnd = () => {
    if (this.#inputEnded) return;
    this.#splitter.end();
    this.#inputEnded = true;
    if (this.#unanswered.size === 0) void this.close();
  };

  #onStreamError = (err: Error) => {
    this.onerror?.(err);
    // The other end is gone: nobody is left to answer.
    this.#unanswered.clear();
    this.#onEnd();
    void this.close();
  };

  #onLine(line: Buffer): void {
    const n = ++this.#lines;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.toString('utf8'));
    } catch {
      void this.#write(errorLine(null, PARSE_ERROR, `Parse error: line ${n} is not JSON; send one JSON-RPC message per line`, n));
      return;
    }
    const message = asJsonRpcMessage(parsed);
    if (!message) {
      const id = idText((parsed as { id?: unknown } | null)?.id);
      void this.#write(errorLine(id, INVALID_REQUEST, `Invalid Request: line ${n} is not a JSON-RPC 2.0 request, notification or response`, n));
      return;
    }
    if ('method' in message && 'id' in message) this.#unanswered.add(message.id);
    this.onmessage?.(message);
    // A cancelled request is never answered: the end of input must not wait for it.
    if ('method' in message && message.method === 'notifications/cancelled') {
      this.#unanswered.delete((message.params as { requestId?: RequestId } | undefined)?.requestId as RequestId);
      if (this.#inputEnded && this.#unanswered.size === 0) void this.close();
    }
  }
}
