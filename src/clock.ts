/** Injected into every command so tests can control "now" (deadlines, timestamps). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const fixedClock = (at: Date | string): Clock => {
  const d = new Date(at);
  return { now: () => new Date(d) };
};
