import type { SearchCapabilities } from '../db/search-capabilities.js';
import type { EmbeddingProvider } from '../embeddings/provider.js';

/**
 * The cosine similarity below which a semantic match is dropped. It suits nomic-embed-text, where
 * unrelated sentences score about 0.45–0.5 and related ones 0.6 and up; another model may need another.
 */
export const DEFAULT_MIN_SIMILARITY = 0.55;

/** Why lessons search cannot use embeddings, or null when it can. Logged once at startup and given in results. */
export function lexicalOnlyReason(capabilities: SearchCapabilities, provider: EmbeddingProvider | null): string | null {
  if (!capabilities.vector) return 'the database has no vector extension (pgvector)';
  if (!provider) return 'no embedding provider configured (set OLLAMA_HOST or TASKLANE_EMBEDDINGS=ollama)';
  return null;
}

/** The words worth a trigram match: a misspelt or partial word still finds its lesson. */
export function trigramWords(query: string, max = 8): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}_-]{3,}/gu) ?? [];
  return [...new Set(words)].slice(0, max);
}
