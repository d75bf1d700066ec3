/** The model embeddings use unless TASKLANE_EMBED_MODEL names another. */
export const DEFAULT_EMBED_MODEL = 'nomic-embed-text';

/** Turns texts into vectors. `dimensions` is unknown until the model's first answer. */
export interface EmbeddingProvider {
  readonly model: string;
  readonly dimensions: number | undefined;
  /** Fixes the dimension, e.g. from embeddings already stored for this model. */
  expectDimensions(dimensions: number): void;
  embed(texts: string[]): Promise<number[][]>;
}

/** The model answered vectors of another length than the one recorded for it. */
export class EmbeddingDimensionError extends Error {
  constructor(
    readonly model: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `model ${model} answered ${actual} dimensions, but ${expected} are recorded for it; ` +
        'if the model changed, set TASKLANE_EMBED_MODEL to its new name and run `tasklane lessons reembed`',
    );
  }
}
