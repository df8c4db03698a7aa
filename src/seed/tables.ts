import type { Pool, RowDataPacket } from 'mysql2/promise';
/**
 * The app tables the seed writes, with the columns it fills, in insert order.
 * Generators emit rows as value arrays in this column order; the writer turns
 * them into multi-row INSERTs.
 */
export const SEED_TABLES = {
  users: ['id', 'email', 'password_hash', 'role', 'created_at', 'updated_at', 'deleted_at'],
  companies: ['id', 'owner_user_id', 'name', 'industry', 'size', 'location_city', 'homepage_url', 'career_page_url', 'one_liner', 'vision_mission', 'business_domains', 'ideal_talent', 'culture', 'benefits', 'profile_step', 'is_submitted', 'status', 'created_at', 'updated_at'],
  job_postings: ['id', 'company_id', 'title', 'position_group', 'department', 'career_level', 'education_level', 'start_date', 'homepage_url', 'deadline_date', 'contact_email', 'contact_phone', 'responsibilities', 'requirements_must', 'requirements_nice', 'competencies', 'status', 'published_at', 'closed_at', 'deleted_at', 'created_at', 'updated_at', 'position', 'employment_type', 'location_city', 'salary_range', 'term_months_new'],
  job_posting_cards: ['id', 'job_posting_id', 'header_title', 'badge_role', 'deadline_date', 'headline', 'posting_info', 'responsibilities', 'requirements', 'required_competencies', 'company_info', 'talent_persona', 'challenge_task', 'created_at', 'updated_at'],
  talent_profiles: ['user_id', 'name', 'birth_date', 'phone', 'tagline', 'profile_step', 'is_submitted', 'created_at', 'updated_at', 'deleted_at', 'email', 'desired_role', 'desired_salary', 'desired_industry', 'desired_company_size', 'residence_location', 'desired_work_location'],
  experiences: ['id', 'user_id', 'company_name', 'title', 'start_ym', 'end_ym', 'leave_reason', 'summary', 'duration_years', 'created_at', 'updated_at', 'deleted_at'],
  educations: ['id', 'user_id', 'school_name', 'major', 'status', 'start_ym', 'end_ym', 'created_at', 'updated_at', 'deleted_at'],
  activities: ['id', 'user_id', 'name', 'category', 'period_ym', 'description', 'created_at', 'updated_at', 'deleted_at'],
  certifications: ['id', 'user_id', 'name', 'score_or_grade', 'acquired_ym', 'created_at', 'updated_at', 'deleted_at'],
  talent_cards: ['id', 'user_id', 'header_title', 'badge_title', 'badge_years', 'badge_employment', 'headline', 'experiences', 'strengths', 'general_capabilities', 'job_skills', 'performance_summary', 'collaboration_style', 'growth_potential', 'created_at', 'updated_at'],
  matching_vectors: ['id', 'user_id', 'role', 'vector_roles', 'vector_skills', 'vector_growth', 'vector_career', 'vector_vision', 'vector_culture', 'updated_at', 'job_posting_id'],
} as const;

export type SeedTable = keyof typeof SEED_TABLES;
export const SEED_TABLE_NAMES = Object.keys(SEED_TABLES) as SeedTable[];

/** SQL text inserted verbatim: vector payloads, which the JSON writer keeps free of quotes and backslashes. */
export class RawSql {
  constructor(readonly sql: string) {}
}

export type SqlValue = string | number | null | Date | RawSql;
export type Row = SqlValue[];

/** Where generators put rows. ready() resolves when the sink can take more (backpressure). */
export interface RowSink {
  add(table: SeedTable, row: Row): void;
  ready(): Promise<void>;
}

/** Tables with an id column the seed assigns itself (so ids are deterministic). */
export const ID_TABLES = ['users', 'companies', 'job_postings', 'job_posting_cards', 'experiences', 'educations', 'activities', 'certifications', 'talent_cards', 'matching_vectors'] as const;
export type IdTable = (typeof ID_TABLES)[number];

/** First free id per table: seeds start at 1 in an empty database and never collide with existing rows under --force. */
export async function idBases(pool: Pool): Promise<Record<IdTable, number>> {
  const sql = ID_TABLES.map((t) => `(SELECT COALESCE(MAX(id), 0) + 1 FROM \`${t}\`) AS \`${t}\``).join(', ');
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${sql}`);
  return Object.fromEntries(ID_TABLES.map((t) => [t, Number(rows[0][t])])) as Record<IdTable, number>;
}
