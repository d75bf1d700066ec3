import { Ollama } from 'ollama';
import { EmbeddingDimensionError, type EmbeddingProvider } from './provider.js';

export type OllamaOptions = { host: string; model: string; timeoutMs?: number };

/** Embeddings from an Ollama server (POST /api/embed) through the ollama client. */
export class OllamaEmbeddings implements EmbeddingProvider {
  readonly model: string;
  #dimensions: number | undefined;
  readonly #client: Ollama;

  constructor(options: OllamaOptions) {
    this.model = options.model;
    const timeoutMs = options.timeoutMs ?? 30_000;
    // A hung server must fail the call, not stall the worker or a search.
    const fetchWithTimeout: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    this.#client = new Ollama({ host: options.host, fetch: fetchWithTimeout });
  }

  get dimensions() {
    return this.#dimensions;
  }

  expectDimensions(dimensions: number) {
    this.#dimensions = dimensions;
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const { embeddings } = await this.#client.embed({ model: this.model, input: texts });
    if (embeddings.length !== texts.length) throw new Error(`model ${this.model} answered ${embeddings.length} embeddings for ${texts.length} texts`);
    const actual = embeddings[0].length;
    if (embeddings.some((e) => e.length !== actual) || actual === 0) throw new Error(`model ${this.model} answered vectors of uneven or zero length`);
    if (this.#dimensions === undefined) this.#dimensions = actual;
    else if (actual !== this.#dimensions) throw new EmbeddingDimensionError(this.model, this.#dimensions, actual);
    return embeddings;
  }
}
