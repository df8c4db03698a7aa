import { generateCompany } from './company.js';
import type { GenState } from './genState.js';
import { generatePosting } from './posting.js';
import type { RowSink } from './tables.js';
import { generateTalent } from './talent.js';

export interface GenerateHooks {
  /** Called between entities; throw to stop (interrupt). */
  checkpoint?(done: number, total: number): void;
}

/** Companies, then postings, then talents, one entity at a time, waiting on the sink's backpressure. */
export async function generateAll(st: GenState, sink: RowSink, hooks: GenerateHooks = {}): Promise<void> {
  const { companies, jobs, talents } = st.opts;
  const total = companies + jobs + talents;
  let done = 0;
  const step = async () => {
    done++;
    hooks.checkpoint?.(done, total);
    await sink.ready();
  };
  for (let c = 0; c < companies; c++) {
    generateCompany(st, c, sink);
    await step();
  }
  for (let j = 0; j < jobs; j++) {
    generatePosting(st, j, sink);
    await step();
  }
  for (let t = 0; t < talents; t++) {
    generateTalent(st, t, sink);
    await step();
  }
}
