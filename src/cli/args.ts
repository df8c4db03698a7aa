import { InvalidArgumentError } from 'commander';
import { strictInt } from '../config/numbers.js';

/** A commander argument parser for a whole number >= min (digits only: "1e2" and "0x10" are typos). */
export const intArg = (name: string, min = 0) => (raw: string): number => {
  const n = strictInt(raw);
  if (!(n >= min)) throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (digits only), got "${raw}"`);
  return n;
};
