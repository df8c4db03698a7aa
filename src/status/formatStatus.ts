import { formatDuration } from '../formatDuration.js';
import { isStaged } from '../store/runLifecycle.js';
import { runSkips } from './runSkips.js';
import { formatSkipsLine } from './runSummary.js';
import type { Eligibility } from '../engine/eligibility.js';
import type { Counts } from '../store/runCounts.js';
import type { Sample } from '../store/readCoverage.js';
import type { RunInfo, RunInProgress, StatusReport } from './readStatus.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sample = (s: Sample, one: string, many?: string) => `${plural(s.count, one, many)}${s.examples.length ? ` (e.g. ${s.examples.join(', ')})` : ''}`;
const num = (v: unknown) => Number(v ?? 0);

function countsLine(r: RunInfo): string {
  if (!r.counts) return '';
  if (r.kind === 'incremental') {
    const i = r.counts;
    if (i.rowsDeleted === undefined) return '';
    return `; changed talents +${num(i.talentsAdded)} ~${num(i.talentsChanged)} -${num(i.talentsRemoved)}, postings +${num(i.jobsAdded)} ~${num(i.jobsChanged)} -${num(i.jobsRemoved)}; rows ${num(i.rowsDeleted)} deleted, ${num(i.rowsInserted)} inserted`;
  }
  if (r.kind === 'full') {
    const m = r.counts;
    if (!('eligibleTalents' in m) || m.eligibleTalents === undefined) return '';
    return `; ${num(m.eligibleTalents)} talents × ${num(m.eligibleJobs)} postings eligible, rows ${num(m.rowsTalentToJob)} talent_to_job + ${num(m.rowsJobToTalent)} job_to_talent`;
  }
  const b = r.counts;
  const side = (e: Partial<Counts> | undefined) => {
    return `${num(e?.inserted)} inserted, ${num(e?.updated)} updated, ${num(e?.removed)} removed`;
  };
  const skipped = runSkips(b, null).total;
  return `; talents ${side(b.talents)}; postings ${side(b.jobs)}${skipped ? `; ${skipped} bad source rows skipped` : ''}`;
}

function runLine(r: RunInfo): string {
  const took = r.finishedAt ? `took ${formatDuration(r.durationMs)}` : `running for ${formatDuration(r.durationMs)}`;
  const error = r.error ? `\n${' '.repeat(19)}error: ${r.error.split('\n')[0]}` : '';
  return `#${r.id} ${r.kind.padEnd(11)} ${r.status.padEnd(11)} started ${r.startedAt}, ${took}${r.runKey ? ` (run key "${r.runKey}", ${r.shards} shards)` : ''}${countsLine(r)}${error}`;
}

function progressLines(r: RunInProgress): string[] {
  const who = `${r.host ?? '?'} (pid ${r.pid ?? '?'})`;
  if (r.supersededBy !== null) return [`  ${r.kind} #${r.id} superseded: no process holds its lock and run ${r.supersededBy} succeeded since; clean up: ${r.next}`];
  if (isStaged(r.status)) return [`  ${r.kind} #${r.id} staged: computed with --no-publish (took ${formatDuration(r.durationMs)}), not published: waiting for \`fitmatch publish --run-id ${r.id}\``, `    next: ${r.next}`];
  const head = `  ${r.kind} #${r.id} ${r.status} on ${who}, ${r.alive ? 'alive' : 'NO PROCESS HOLDS ITS LOCK'}, for ${formatDuration(r.durationMs)}`;
  const next = r.next ? [`    next: ${r.next}`] : [];
  const p = r.progress;
  if (!p) return [head, ...next];
  const eta = p.etaMs === null ? 'ETA unknown' : p.done === p.total ? 'all blocks done (merging or publishing)' : `ETA ${formatDuration(p.etaMs)} at ${formatDuration(p.msPerBlock ?? 0)} per block`;
  const lines = [`${head}: blocks ${p.done}/${p.total} done, ${eta}`];
  if (p.shards.length > 1) lines.push(`    ${p.shards.map((s) => `shard ${s.shard}: ${s.done}/${s.total}${s.done < s.total ? (s.alive ? ' alive' : ' MISSING') : ''}`).join('; ')}`);
  if (p.missingShards.length) lines.push(`    missing shard(s) ${p.missingShards.join(', ')}: pending blocks and no live process; run them again (same --shard/--run-key)`);
  return [...lines, ...next];
}

export function describeEligibility(e: Eligibility): string {
  const deadline = e.includeExpired ? 'expired included' : `deadline >= ${e.today} (${e.timezone})`;
  return `statuses ${e.jobStatuses.join(',')}, ${deadline}, ${e.includeDeleted ? 'soft-deleted included' : 'not deleted'}`;
}

/** `fitmatch status` for people. */
export function formatStatus(s: StatusReport): string {
  const out = [`fitmatch status of ${s.database} at ${s.at}`, ''];
  const p = s.published;
  if (p) {
    out.push(`published     run ${p.runId}${p.baseRunId !== p.runId ? ` (on base run ${p.baseRunId})` : ''} at ${p.publishedAt} (${formatDuration(p.ageMs)} ago)`);
    out.push(`              top ${p.topK} (+${p.reserve} reserve), weights ${Object.entries(p.weights).map(([f, w]) => `${f}=${w}`).join(' ')}`);
    out.push(`              rows: ${p.rows.talentToJob} talent_to_job, ${p.rows.jobToTalent} job_to_talent`);
  } else {
    out.push('published     nothing has been published yet');
  }
  out.push('last runs');
  for (const kind of ['match', 'backfill'] as const) {
    const runs = s.lastRuns[kind];
    if (!runs.length) out.push(`  ${kind.padEnd(11)} none`);
    runs.forEach((r, i) => out.push(`  ${(i === 0 ? kind : '').padEnd(11)} ${runLine(r)}`));
  }
  out.push(`in progress${s.inProgress.length ? '' : '   nothing'}`);
  for (const r of s.inProgress) out.push(...progressLines(r));
  const c = s.coverage;
  if (c) {
    out.push(`coverage      now, by the eligibility rules of ${c.rulesOfRun ? `run ${c.rulesOfRun}` : 'the configuration'}: ${describeEligibility(c.eligibility)}`);
    const share = (n: number, of: number) => (of > 0 ? ` (${((100 * n) / of).toFixed(1)}% of ${of})` : '');
    out.push(`  eligible:                 ${plural(c.eligible.talents, 'talent')}, ${plural(c.eligible.jobs, 'posting')}`);
    out.push(`  without an embedding:     ${sample(c.withoutEmbedding.talents, 'talent')}${share(c.withoutEmbedding.talents.count, c.eligible.talents)}, ${sample(c.withoutEmbedding.jobs, 'posting')}${share(c.withoutEmbedding.jobs.count, c.eligible.jobs)}`);
    if (c.staleEmbeddings) out.push(`  stale embeddings:         ${sample(c.staleEmbeddings.talents, 'talent')}, ${sample(c.staleEmbeddings.jobs, 'posting')} (matching_vectors is newer: the next backfill updates them)`);
    out.push(`  eligible, not published:  ${sample(c.notPublished.talents, 'talent')}, ${sample(c.notPublished.jobs, 'posting')} (\`fitmatch explain --talent ID\` / \`--job ID\` says why)`);
  } else {
    out.push("coverage      unknown: fitmatch's tables do not exist yet");
  }
  if (s.skipped) out.push(`skips         backfill run ${s.skipped.backfillRunId}: ${formatSkipsLine(s.skipped)}`);
  const pending = s.migrations.pending;
  out.push(`migrations    ${pending.length ? `${pending.length} pending: ${pending.join(', ')} (\`fitmatch migrate\`)` : 'up to date'}`);
  const h = s.health;
  if (h.problems.length === 0) out.push(`health        ok${h.maxAgeMs !== null ? ` (published run younger than ${formatDuration(h.maxAgeMs)})` : ''}`);
  else h.problems.forEach((x, i) => out.push(`${i === 0 ? 'health' : ''.padEnd(6)}        ${x.exitCode === h.exitCode && i === 0 ? `FAILED (exit ${h.exitCode}): ` : ''}${x.message}`));
  return out.join('\n') + '\n';
}
