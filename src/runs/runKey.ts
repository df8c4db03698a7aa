import { ExitCode, FitmatchError } from '../errors.js';

/** The longest run key match_runs.run_key holds (bytes; the characters allowed are one byte each). */
export const RUN_KEY_MAX = 191;
/** Letters, digits and . _ - : (a Kubernetes Job name fits), starting with a letter or digit. */
const RUN_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Checks a --run-key (or FITMATCH_RUN_KEY) before anything touches the database.
 * Keys compare exactly: `K3`, `ｋ3` and `k3 ` are three keys, none of them `k3`,
 * and the last two are refused here.
 */
export function validateRunKey(key: string): string {
  if (key.length > RUN_KEY_MAX) throw new FitmatchError(`--run-key is ${key.length} characters long; at most ${RUN_KEY_MAX} are allowed`, ExitCode.USAGE);
  if (!RUN_KEY.test(key)) {
    throw new FitmatchError(`--run-key ${JSON.stringify(key)} is not a valid run key: use letters, digits and . _ - : (starting with a letter or digit), compared exactly`, ExitCode.USAGE);
  }
  return key;
}
