import { ExitCode, FitmatchError } from '../errors.js';
import type { FullRun } from '../store/runStore.js';
import type { RunSettings } from './createRun.js';

/** Every process of a run must agree on what it computes: a differing flag is a mistake, not a preference. */
export function assertSameSettings(run: FullRun, s: RunSettings, what: string): void {
  const p = run.params;
  const diff: string[] = [];
  if (p.topK !== s.topK) diff.push(`--top-k ${p.topK} (this process: ${s.topK})`);
  if (p.reserve !== s.reserve) diff.push(`--reserve ${p.reserve} (this process: ${s.reserve})`);
  if (p.weights.join() !== s.weights.join()) diff.push(`--weights ${p.weights.join(',')} (this process: ${s.weights.join(',')})`);
  if (diff.length) throw new FitmatchError(`${what} was created with ${diff.join(', ')}`, ExitCode.USAGE);
}
