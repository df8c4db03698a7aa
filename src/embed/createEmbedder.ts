import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Embedder } from './embedder.js';
import { createHashEmbedder } from './hashEmbedder.js';
import { createOpenAiEmbedder } from './openaiEmbedder.js';

export const DEFAULT_HASH_DIM = 256;

export function createEmbedder(config: Config, log: Logger): Embedder {
  if (config.provider === 'openai') {
    return createOpenAiEmbedder({
      baseUrl: config.openaiBaseUrl ?? 'https://api.openai.com/v1',
      apiKey: config.openaiApiKey,
      model: config.embedModel ?? 'text-embedding-3-small',
      dimensions: config.embedDimensions,
      batchSize: config.embedBatchSize ?? 64,
      concurrency: config.embedConcurrency ?? 4,
      log,
    });
  }
  return createHashEmbedder(config.embedDimensions ?? DEFAULT_HASH_DIM);
}
