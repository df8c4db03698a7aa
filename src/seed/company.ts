import { CLUSTER_WEIGHTS, CULTURES } from './clusters.js';
import type { GenState } from './genState.js';
import { SEED_EMAIL_DOMAIN } from './genState.js';
import { BENEFITS, CITIES, CITY_WEIGHTS, COMPANY_SIZES, companyName, INDUSTRIES } from './korean.js';
import { recordDirty } from './manifest.js';
import { rngFor } from './rng.js';
import type { RowSink } from './tables.js';
import { SEED_PASSWORD_HASH } from './talent.js';
import { randomPast } from './time.js';
import { vectorRow } from './vectorRow.js';

/** Company number c: its owner (a company user) and its companies row; some get a stray vector row without a posting. */
export function generateCompany(st: GenState, c: number, sink: RowSink): void {
  const { now, seed } = st.opts;
  const m = st.manifest;
  const rng = rngFor(seed, 'company', c);
  const userId = st.companyUserId(c);
  const created = randomPast(rng, now, 200, 1500);
  const updated = randomPast(rng, now, 0, 100);
  sink.add('users', [userId, `company${c}@${SEED_EMAIL_DOMAIN}`, SEED_PASSWORD_HASH, 'company', created, updated, null]);
  m.rows.users++;
  const name = companyName(c);
  const industry = rng.pick(INDUSTRIES);
  const culture = CULTURES[st.companyCulture(c)];
  sink.add('companies', [
    st.companyId(c), userId, name, industry, rng.pick(COMPANY_SIZES), CITIES[rng.weighted(CITY_WEIGHTS)],
    `https://company${c}.example.com`, rng.chance(0.7) ? `https://company${c}.example.com/careers` : null,
    `${industry} 분야의 문제를 기술로 푸는 ${name}`, `${culture.values[0]}을(를) 바탕으로 더 나은 ${industry} 경험을 만듭니다.`,
    `${industry}, 데이터 기반 서비스`, `${culture.values.join(', ')}을(를) 중요하게 여기는 분`, culture.label, rng.sample(BENEFITS, 3).join(', '),
    rng.range(3, 5), 1, 'ACTIVE', created, updated,
  ]);
  m.rows.companies++;
  if (st.companyDirty.next()) {
    const { row } = vectorRow(st, rng, {
      userId, role: 'company', jobPostingId: null, cluster: rng.weighted(CLUSTER_WEIGHTS), culture: st.companyCulture(c), updatedAt: updated, entityId: userId,
    });
    sink.add('matching_vectors', row);
    recordDirty(m, 'company_vector_without_posting', { vectorRowId: row[0] as number, entityId: userId });
  }
}
