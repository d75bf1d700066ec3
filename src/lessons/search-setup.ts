import type { SearchCapabilities } from '../db/search-capabilities.js';
import type { EmbeddingProvider } from '../embeddings/provider.js';

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
