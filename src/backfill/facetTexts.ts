import type { JobSource, TalentSource } from '../store/appTexts.js';
import { FACET_COUNT } from '../facets.js';

/** Six texts in FACETS order (roles, skills, growth, career, vision, culture); '' = missing facet. */
export type FacetTexts = string[];

type Row = Record<string, unknown>;

/** Leaf strings/numbers of a JSON column value (text from MariaDB/CAST, or already decoded). */
export function flattenJson(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[') || t.startsWith('{') || t.startsWith('"')) {
      try {
        return flattenJson(JSON.parse(t) as unknown);
      } catch {
        return [t];
      }
    }
    return t ? [t] : [];
  }
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(flattenJson);
  if (typeof value === 'object') return Object.values(value as Row).flatMap(flattenJson);
  return [];
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 7) : String(v).trim());
/** Joins the non-empty parts: a facet whose columns are all empty stays '' (missing). */
const join = (parts: unknown[]): string =>
  parts
    .flatMap((p) => (Array.isArray(p) ? p : [p]))
    .map(text)
    .filter(Boolean)
    .join('\n');
const line = (...parts: unknown[]): string => parts.map(text).filter(Boolean).join(' ');
const col = (r: Row | null, c: string): unknown => (r ? r[c] : null);
const json = (r: Row | null, c: string): string[] => flattenJson(col(r, c));

export function talentFacetTexts(t: TalentSource): FacetTexts {
  const p = t.profile;
  const c = t.card;
  const out = [
    // roles: what the person does / wants to do
    join([p.desired_role, col(c, 'header_title'), col(c, 'badge_title'), col(c, 'headline'), t.experiences.map((e) => e.title)]),
    // skills
    join([json(c, 'job_skills'), json(c, 'strengths'), json(c, 'general_capabilities'), t.certifications.map((x) => line(x.name, x.score_or_grade))]),
    // growth: learning path and potential
    join([col(c, 'growth_potential'), t.educations.map((e) => line(e.school_name, e.major, e.status)), t.activities.map((a) => line(a.name, a.category, a.description))]),
    // career: track record
    join([
      t.experiences.map((e) => line(e.company_name, e.title, e.duration_years != null ? `${e.duration_years}년` : '', e.summary)),
      json(c, 'experiences'),
      col(c, 'performance_summary'),
      col(c, 'badge_years') != null ? `${text(col(c, 'badge_years'))}년` : '',
    ]),
    // vision: where the person is heading
    join([p.tagline, p.desired_industry, p.desired_company_size]),
    // culture: how and where the person wants to work
    join([col(c, 'collaboration_style'), col(c, 'badge_employment'), p.desired_work_location, p.desired_salary]),
  ];
  return pad(out);
}

export function jobFacetTexts(j: JobSource): FacetTexts {
  const p = j.posting;
  const co = j.company;
  const c = j.card;
  const out = [
    join([p.title, p.position, p.position_group, p.department, col(c, 'header_title'), col(c, 'badge_role'), col(c, 'headline')]),
    join([p.requirements_must, p.requirements_nice, p.competencies, json(c, 'requirements'), json(c, 'required_competencies')]),
    join([col(c, 'challenge_task')]),
    join([p.responsibilities, json(c, 'responsibilities'), p.career_level, p.education_level, p.employment_type, json(c, 'posting_info')]),
    join([co.one_liner, co.vision_mission, co.business_domains, col(c, 'company_info')]),
    join([col(c, 'talent_persona'), co.ideal_talent, co.culture, co.benefits]),
  ];
  return pad(out);
}

const pad = (t: string[]): FacetTexts => {
  if (t.length !== FACET_COUNT) throw new Error('facet text mapping out of sync with FACETS');
  return t;
};
