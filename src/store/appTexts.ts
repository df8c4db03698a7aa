import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';

type Row = Record<string, unknown>;

/** What a talent's facet texts are made of (src/backfill/facetTexts.ts). */
export interface TalentSource {
  profile: Row;
  experiences: Row[];
  educations: Row[];
  activities: Row[];
  certifications: Row[];
  card: Row | null;
}

/** What a posting's facet texts are made of. */
export interface JobSource {
  posting: Row;
  company: Row;
  card: Row | null;
}

const CARD_JSON_TALENT = ['experiences', 'strengths', 'general_capabilities', 'job_skills'];
const CARD_JSON_JOB = ['posting_info', 'responsibilities', 'requirements', 'required_competencies'];
// CAST so MySQL 8 (decoded JSON) and MariaDB (text) hand over the same thing.
const cast = (alias: string, cols: string[]) => cols.map((c) => `CAST(${alias}.${c} AS CHAR) AS ${c}`).join(', ');

async function rows(db: Db, sql: string, params: unknown[]): Promise<RowDataPacket[]> {
  return (await db.pool.query<RowDataPacket[]>(sql, params))[0];
}

function group(list: RowDataPacket[]): Map<number, RowDataPacket[]> {
  const m = new Map<number, RowDataPacket[]>();
  for (const r of list) {
    const k = Number(r.user_id);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
}

/** A keyset page of live talents (profile and user not soft-deleted) with everything their texts use. */
export async function readTalentPage(db: Db, afterId: number, limit: number): Promise<{ key: number; source: TalentSource }[]> {
  const profiles = await rows(
    db,
    `SELECT tp.user_id, tp.tagline, tp.desired_role, tp.desired_salary, tp.desired_industry, tp.desired_company_size, tp.desired_work_location
       FROM talent_profiles tp JOIN users u ON u.id = tp.user_id
      WHERE tp.deleted_at IS NULL AND u.deleted_at IS NULL AND tp.user_id > ? ORDER BY tp.user_id LIMIT ?`,
    [afterId, limit],
  );
  if (profiles.length === 0) return [];
  const ids = profiles.map((p) => Number(p.user_id));
  const child = (table: string, cols: string) =>
    rows(db, `SELECT user_id, ${cols} FROM ${table} WHERE user_id IN (?) AND deleted_at IS NULL ORDER BY user_id, id`, [ids]).then(group);
  const [exp, edu, act, cert, cards] = await Promise.all([
    child('experiences', 'company_name, title, duration_years, summary'),
    child('educations', 'school_name, major, status'),
    child('activities', 'name, category, description'),
    child('certifications', 'name, score_or_grade'),
    rows(db, `SELECT c.user_id, c.header_title, c.badge_title, c.badge_years, c.badge_employment, c.headline, c.performance_summary, c.collaboration_style, c.growth_potential, ${cast('c', CARD_JSON_TALENT)} FROM talent_cards c WHERE c.user_id IN (?)`, [ids]).then(group),
  ]);
  return ids.map((id, i) => ({
    key: id,
    source: {
      profile: profiles[i],
      experiences: exp.get(id) ?? [],
      educations: edu.get(id) ?? [],
      activities: act.get(id) ?? [],
      certifications: cert.get(id) ?? [],
      card: cards.get(id)?.[0] ?? null,
    },
  }));
}

/** A keyset page of live (not soft-deleted) job postings with their company and card. */
export async function readJobPage(db: Db, afterId: number, limit: number): Promise<{ key: number; source: JobSource }[]> {
  const postings = await rows(
    db,
    `SELECT jp.id, jp.title, jp.position, jp.position_group, jp.department, jp.career_level, jp.education_level, jp.employment_type,
            jp.responsibilities, jp.requirements_must, jp.requirements_nice, jp.competencies,
            c.one_liner, c.vision_mission, c.business_domains, c.ideal_talent, c.culture, c.benefits
       FROM job_postings jp JOIN companies c ON c.id = jp.company_id
      WHERE jp.deleted_at IS NULL AND jp.id > ? ORDER BY jp.id LIMIT ?`,
    [afterId, limit],
  );
  if (postings.length === 0) return [];
  const ids = postings.map((p) => Number(p.id));
  const cards = await rows(
    db,
    `SELECT c.job_posting_id AS user_id, c.header_title, c.badge_role, c.headline, c.company_info, c.talent_persona, c.challenge_task, ${cast('c', CARD_JSON_JOB)} FROM job_posting_cards c WHERE c.job_posting_id IN (?)`,
    [ids],
  ).then(group);
  return postings.map((p, i) => ({ key: ids[i], source: { posting: p, company: p, card: cards.get(ids[i])?.[0] ?? null } }));
}

/** Live talents (profile and user not soft-deleted) or live postings: the text source's progress total. */
export async function countLiveEntities(db: Db, kind: 'talent' | 'job'): Promise<number> {
  const [[{ n }]] = await db.pool.query<RowDataPacket[]>(
    kind === 'talent'
      ? 'SELECT COUNT(*) AS n FROM talent_profiles tp JOIN users u ON u.id = tp.user_id WHERE tp.deleted_at IS NULL AND u.deleted_at IS NULL'
      : 'SELECT COUNT(*) AS n FROM job_postings WHERE deleted_at IS NULL',
  );
  return Number(n);
}
