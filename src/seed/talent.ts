import { CLUSTER_WEIGHTS, CLUSTERS, CULTURES } from './clusters.js';
import type { GenState } from './genState.js';
import { SEED_EMAIL_DOMAIN } from './genState.js';
import { ACTIVITY_CATEGORIES, CITIES, CITY_WEIGHTS, COMPANY_SIZES, EDUCATION_STATUSES, INDUSTRIES, LEAVE_REASONS, personName, phone, previousEmployer, SALARY_RANGES, school } from './korean.js';
import { recordDirty } from './manifest.js';
import { rngFor, type Rng } from './rng.js';
import type { RowSink } from './tables.js';
import { addDays, randomPast, ym, ymd } from './time.js';
import { vectorRow } from './vectorRow.js';

/** Not a real hash: seed users cannot log in. */
export const SEED_PASSWORD_HASH = '$2b$12$seed.fitmatch.invalid.not.a.real.password.hash.xx';
const HAS_VECTORS = 0.96;

/**
 * Talent number t: a users row, usually a talent_profiles row with its
 * experiences/educations/activities/certifications/talent_card, and usually a
 * matching_vectors row. The first three talents pin the edge cases (no profile,
 * soft-deleted profile, soft-deleted user) so small seeds always have them.
 */
export function generateTalent(st: GenState, t: number, sink: RowSink): void {
  const { now, seed } = st.opts;
  const m = st.manifest;
  const rng = rngFor(seed, 'talent', t);
  const userId = st.talentUserId(t);
  const cluster = rng.weighted(CLUSTER_WEIGHTS);
  const c = CLUSTERS[cluster];
  const culture = rng.int(CULTURES.length);
  const r = rng.next();
  const profile = t === 0 ? 'none' : t === 1 ? 'deleted' : t === 2 ? 'live' : r < 0.03 ? 'none' : r < 0.05 ? 'deleted' : 'live';
  const userDeleted = t === 2 || (t > 2 && rng.chance(0.02));
  const created = randomPast(rng, now, 30, 900);
  const updated = randomPast(rng, now, 0, 30);
  sink.add('users', [userId, `talent${t}@${SEED_EMAIL_DOMAIN}`, SEED_PASSWORD_HASH, 'talent', created, updated, userDeleted ? updated : null]);
  m.rows.users++;
  if (userDeleted) m.softDeleted.users++;

  const years = rng.chance(0.2) ? 0 : rng.range(1, 15);
  const name = personName(rng);
  if (profile === 'none') m.talentsWithoutProfile++;
  else {
    if (profile === 'deleted') m.softDeleted.talentProfiles++;
    const tagline = years === 0 ? `성장하는 신입 ${c.role}` : `${years}년차 ${c.role} · ${rng.sample(c.skills, 2).join(', ')}`;
    sink.add('talent_profiles', [
      userId, name, ymd(new Date(Date.UTC(1970 + rng.int(33), rng.int(12), 1 + rng.int(28)))), phone(rng), tagline, rng.range(3, 6), rng.chance(0.9) ? 1 : 0,
      created, updated, profile === 'deleted' ? updated : null, `talent${t}@${SEED_EMAIL_DOMAIN}`,
      rng.chance(0.85) ? c.role : rng.pick(c.titles), rng.pick(SALARY_RANGES), rng.pick(INDUSTRIES), rng.pick(COMPANY_SIZES),
      CITIES[rng.weighted(CITY_WEIGHTS)], rng.chance(0.8) ? CITIES[rng.weighted(CITY_WEIGHTS)] : null,
    ]);
    m.rows.talent_profiles++;
    history(st, rng, sink, userId, cluster, years, created, name);
  }

  if (!rng.chance(HAS_VECTORS) && t > 2) {
    m.talentsWithoutVectors++;
    return;
  }
  const live = !userDeleted && profile === 'live';
  const dirty = live ? st.talentDirty.next() : null;
  const vecUpdated = randomPast(rng, now, 0, 60);
  const spec = { userId, role: 'talent' as const, jobPostingId: null, cluster, culture, updatedAt: vecUpdated, entityId: userId };
  if (dirty === 'duplicate_talent_row') {
    // The losing row describes another role. Half the time it is older with a higher id
    // (updated_at decides), half the time it ties on updated_at with a lower id (id decides).
    const tie = rng.chance(0.5);
    const loserSpec = { ...spec, cluster: (cluster + 1) % CLUSTERS.length, updatedAt: tie ? vecUpdated : addDays(vecUpdated, -rng.range(1, 200)) };
    const first = tie ? vectorRow(st, rng, loserSpec) : vectorRow(st, rng, spec);
    const second = tie ? vectorRow(st, rng, spec) : vectorRow(st, rng, loserSpec);
    sink.add('matching_vectors', first.row);
    sink.add('matching_vectors', second.row);
    const loserId = (tie ? first : second).row[0] as number;
    recordDirty(m, 'duplicate_talent_row', { vectorRowId: loserId, entityId: userId });
    if (live) m.expected.talentEmbeddings++;
    return;
  }
  const { row, validFacets } = vectorRow(st, rng, { ...spec, dirty });
  sink.add('matching_vectors', row);
  if (live && validFacets > 0) m.expected.talentEmbeddings++;
}

function history(st: GenState, rng: Rng, sink: RowSink, userId: number, cluster: number, years: number, created: Date, name: string): void {
  const c = CLUSTERS[cluster];
  const m = st.manifest;
  const now = st.opts.now;
  const jobs = years === 0 ? 0 : Math.min(3, rng.range(1, 1 + Math.floor(years / 4)));
  const exps: { company: string; title: string; period: string }[] = [];
  let end: Date | null = null;
  let left = years;
  for (let i = 0; i < jobs; i++) {
    const dur = i === jobs - 1 ? Math.max(1, left) : Math.max(1, rng.range(1, Math.max(1, left - (jobs - i - 1))));
    left -= dur;
    const stop: Date = end ?? now;
    const start = addDays(stop, -365 * dur);
    const company = previousEmployer(rng);
    const title = rng.pick(c.titles);
    sink.add('experiences', [
      st.id('experiences'), userId, company, title, ym(start), end ? ym(end) : null, end ? rng.pick(LEAVE_REASONS) : null,
      `${rng.pick(c.responsibilities)} 담당. ${rng.sample(c.skills, 3).join(', ')} 활용.`, dur, created, created, rng.chance(0.03) ? created : null,
    ]);
    m.rows.experiences++;
    exps.push({ company, title, period: `${ym(start).slice(0, 7)} ~ ${end ? ym(end).slice(0, 7) : '재직 중'}` });
    end = addDays(start, -rng.range(10, 120));
  }
  const eduEnd = addDays(end ?? now, -rng.range(30, 400));
  sink.add('educations', [
    st.id('educations'), userId, school(rng), rng.pick(c.majors), years === 0 ? rng.pick(EDUCATION_STATUSES) : '졸업',
    ym(addDays(eduEnd, -365 * 4)), ym(eduEnd), created, created, null,
  ]);
  m.rows.educations++;
  for (let i = rng.int(3); i > 0; i--) {
    sink.add('activities', [st.id('activities'), userId, rng.pick(c.activities), rng.pick(ACTIVITY_CATEGORIES), ym(addDays(eduEnd, -rng.range(100, 1200))), `${c.role} 역량을 키운 활동`, created, created, null]);
    m.rows.activities++;
  }
  for (const cert of rng.sample(c.certifications, rng.int(3))) {
    sink.add('certifications', [st.id('certifications'), userId, cert, rng.pick(['합격', '1급', '2급', 'Level 2']), ym(addDays(now, -rng.range(60, 3000))), created, created, null]);
    m.rows.certifications++;
  }
  if (rng.chance(0.85)) {
    const skills = rng.sample(c.skills, 4);
    sink.add('talent_cards', [
      st.id('talent_cards'), userId, `${name} 님`, c.role, years, rng.pick(['정규직 희망', '계약직 가능', '프리랜서']),
      `${years === 0 ? '신입' : `${years}년차`} ${c.role}, ${skills[0]}에 강점`, JSON.stringify(exps), JSON.stringify(rng.sample(c.competencies, 2)),
      JSON.stringify(['커뮤니케이션', '문제 해결', '자기 주도 학습']), JSON.stringify(skills),
      `${rng.pick(c.responsibilities)} 과제를 주도해 성과를 냈습니다.`, '근거를 공유하며 팀과 함께 결정합니다.', `${rng.pick(c.skills)} 분야로 성장하고 싶습니다.`,
      created, created,
    ]);
    m.rows.talent_cards++;
  }
}
