/** Every table fitmatch owns. drizzle-kit reads only these files (drizzle.config.ts). */
export { talentEmbeddings, jobEmbeddings } from './embeddings.js';
export { matchResults } from './matchResults.js';
export { matchRuns } from './matchRuns.js';
export { matchingVectorLengths } from './matchingVectorLengths.js';
export { matchLists, matchPublished, matchRunBlocks, matchRunParts } from './runModel.js';
