import { CLUSTER_WEIGHTS, CLUSTERS } from './clusters.js';
import type { GenState } from './genState.js';
import { CAREER_LEVELS, CITIES, CITY_WEIGHTS, companyName, EDUCATION_LEVELS, EMPLOYMENT_TYPES, POSTING_STATUSES, SALARY_RANGES, START_DATES } from './korean.js';
import { recordDirty } from './manifest.js';
import { rngFor } from './rng.js';
import type { RowSink } from './tables.js';
import { addDays, randomPast } from './time.js';
import { vectorRow } from './vectorRow.js';

const STATUS_WEIGHTS = [70, 10, 10, 10];
const DEADLINES = ['future', 'past', 'today', 'none'] as const;
const DEADLINE_WEIGHTS = [62, 15, 3, 20];

/**
 * Posting number j of a random company. The first 16 postings pin every
 * status × deadline combination and posting 16 is soft-deleted, so small seeds
 * always contain each case; later ones are drawn with realistic weights.
 */
export function generatePosting(st: GenState, j: number, sink: RowSink): void {
  const { now, seed, companies } = st.opts;
  const m = st.manifest;
  const rng = rngFor(seed, 'posting', j);
  const id = st.postingId(j);
  const c = rng.int(companies);
  const cluster = rng.weighted(CLUSTER_WEIGHTS);
  const k = CLUSTERS[cluster];
  const status = j < 16 ? POSTING_STATUSES[j % 4] : POSTING_STATUSES[rng.weighted(STATUS_WEIGHTS)];
  const deadlineKind = j < 16 ? DEADLINES[Math.floor(j / 4)] : DEADLINES[rng.weighted(DEADLINE_WEIGHTS)];
  const deadline =
    deadlineKind === 'none' ? null : st.date(deadlineKind === 'today' ? now : addDays(now, deadlineKind === 'future' ? rng.range(1, 90) : -rng.range(1, 120)));
  const deleted = j === 16 || (j > 16 && rng.chance(0.03));
  const created = randomPast(rng, now, 5, 400);
  const updated = randomPast(rng, now, 0, 5);
  const published = status === 'DRAFT' ? null : addDays(created, rng.range(0, 3));
  const closed = status === 'CLOSED' || status === 'ARCHIVED' ? updated : null;
  const employment = rng.pick(EMPLOYMENT_TYPES);
  const title = rng.pick(k.titles) + (rng.chance(0.3) ? ` (${rng.pick(['신입', '경력', '3년 이상', '리드'])})` : '');
  const city = CITIES[rng.weighted(CITY_WEIGHTS)];
  const career = rng.pick(CAREER_LEVELS);
  const must = rng.sample(k.requirements, 2);
  sink.add('job_postings', [
    id, st.companyId(c), title, k.positionGroup, k.department, career, rng.pick(EDUCATION_LEVELS), rng.pick(START_DATES),
    `https://company${c}.example.com`, deadline, `recruit@company${c}.example.com`, `02-${rng.range(100, 999)}-${rng.range(1000, 9999)}`,
    rng.sample(k.responsibilities, 2).map((s) => `- ${s}`).join('\n'), must.map((s) => `- ${s}`).join('\n'), `- ${rng.pick(k.niceToHave)}`,
    rng.sample(k.competencies, 2).join(', '), status, published, closed, deleted ? updated : null, created, updated,
    k.role, employment, city, rng.chance(0.85) ? rng.pick(SALARY_RANGES) : null, employment === '계약직' ? String(rng.pick([6, 12, 24])) : null,
  ]);
  m.rows.job_postings++;
  m.statuses[status]++;
  m.deadlines[deadlineKind]++;
  if (deleted) m.softDeleted.jobPostings++;
  if (rng.chance(0.8)) {
    const name = companyName(c);
    sink.add('job_posting_cards', [
      st.id('job_posting_cards'), id, name, k.role, deadline, `${name}에서 ${title}을(를) 찾습니다`,
      JSON.stringify({ 고용형태: employment, 근무지: city, 경력: career }), JSON.stringify(rng.sample(k.responsibilities, 2)), JSON.stringify(must),
      JSON.stringify(rng.sample(k.competencies, 2)), `${name}은(는) 함께 성장할 ${k.role}을(를) 찾고 있습니다.`,
      `${rng.pick(k.skills)}에 능숙하고 ${rng.pick(k.competencies)}을(를) 갖춘 분`, `입사 후 3개월 안에 ${rng.pick(k.responsibilities)}을(를) 맡습니다.`,
      created, updated,
    ]);
    m.rows.job_posting_cards++;
  }

  if (!rng.chance(0.96) && j >= 16) {
    m.jobsWithoutVectors++;
    return;
  }
  const dirty = deleted ? null : st.jobDirty.next();
  const owner = dirty === 'posting_of_other_company' ? st.companyUserId((c + 1) % companies) : st.companyUserId(c);
  const { row, validFacets } = vectorRow(st, rng, {
    userId: owner, role: 'company', jobPostingId: id, cluster, culture: st.companyCulture(c), updatedAt: randomPast(rng, now, 0, 60), entityId: id,
    dirty: dirty === 'posting_of_other_company' ? null : dirty,
  });
  sink.add('matching_vectors', row);
  if (dirty === 'posting_of_other_company') {
    recordDirty(m, dirty, { vectorRowId: row[0] as number, entityId: id });
    return;
  }
  if (!deleted && validFacets > 0) {
    m.expected.jobEmbeddings++;
    if (status === 'PUBLISHED' && (deadline === null || deadline >= st.today)) m.expected.eligibleJobs++;
  }
}
