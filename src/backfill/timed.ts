/** Adds the duration of fn to timings[name] (ms), whether it resolves or throws. */
export async function timed<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = (timings[name] ?? 0) + Math.round(performance.now() - t);
  }
}
