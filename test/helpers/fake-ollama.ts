import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Ollama's POST /api/embed: deterministic vectors from hashed words (a bag of words
 * in `dimensions` buckets, normalized), so that texts sharing words are near. It can go down and
 * come back on the same port, and answer another dimension, to test the queue.
 */
export class FakeOllama {
  dimensions = 64;
  /** Per-model dimensions, overriding `dimensions`. */
  modelDimensions: Record<string, number> = {};
  requests = 0;
  #server: http.Server | undefined;
  #port = 0;

  get host() {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => this.#answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #answer(req: http.IncomingMessage, res: http.ServerResponse) {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/embed') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
        return;
      }
      this.requests++;
      const { model, input } = JSON.parse(body) as { model: string; input: string | string[] };
      const texts = Array.isArray(input) ? input : [input];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model, embeddings: texts.map((t) => embedWords(t, this.modelDimensions[model] ?? this.dimensions)) }));
    });
  }
}

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'it', 'with', 'when', 'how', 'do', 'i', 'we', 'be', 'that', 'this', 'at', 'by', 'as', 'are', 'from', 'why', 'what']);

export function embedWords(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (STOP.has(word)) continue;
    // A crude stem, so that "migrations" and "migration" land in the same bucket.
    const stem = word.length > 5 ? word.slice(0, 5) : word;
    const h = createHash('sha1').update(stem).digest();
    v[h.readUInt32BE(0) % dimensions] += h[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}
