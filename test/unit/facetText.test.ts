import { describe, expect, it } from 'vitest';
import { flattenJson, jobFacetTexts, talentFacetTexts } from '../../src/backfill/facetTexts.js';

describe('flattenJson', () => {
  it('flattens text or decoded JSON to leaf strings, keeping non-JSON text as is', () => {
    expect(flattenJson('["a", {"b": "c", "n": 3}, [" d "]]')).toEqual(['a', 'c', '3', 'd']);
    expect(flattenJson(['x', { y: 'z' }])).toEqual(['x', 'z']);
    expect(flattenJson('[broken')).toEqual(['[broken']);
    expect(flattenJson(null)).toEqual([]);
    expect(flattenJson('  ')).toEqual([]);
  });
});

describe('talentFacetTexts', () => {
  const base = { experiences: [], educations: [], activities: [], certifications: [], card: null };
  it('maps columns to facets and leaves empty facets empty', () => {
    const t = talentFacetTexts({
      ...base,
      profile: { desired_role: '백엔드 개발자', tagline: '  ', desired_industry: '핀테크', desired_work_location: '서울' },
      experiences: [{ company_name: '토스', title: '서버 개발자', duration_years: 3, summary: '결제' }],
      certifications: [{ name: '정보처리기사', score_or_grade: null }],
      educations: [{ school_name: 'KAIST', major: '전산', status: '졸업' }],
      card: { job_skills: '["Python"]', collaboration_style: '협업' },
    });
    expect(t).toEqual([
      '백엔드 개발자\n서버 개발자',
      'Python\n정보처리기사',
      'KAIST 전산 졸업',
      '토스 서버 개발자 3년 결제',
      '핀테크',
      '협업\n서울',
    ]);
  });
  it('an empty profile yields six empty (missing) facets', () => {
    expect(talentFacetTexts({ ...base, profile: {} })).toEqual(['', '', '', '', '', '']);
  });
});

describe('jobFacetTexts', () => {
  it('uses posting, company and card columns', () => {
    const t = jobFacetTexts({
      posting: { title: '백엔드', position: '서버', requirements_must: 'Kotlin', career_level: '경력', responsibilities: 'API 개발' },
      company: { vision_mission: '금융을 쉽게', culture: '수평적' },
      card: { required_competencies: ['대용량'], challenge_task: '재설계', talent_persona: '주도적' },
    });
    expect(t).toEqual(['백엔드\n서버', 'Kotlin\n대용량', '재설계', 'API 개발\n경력', '금융을 쉽게', '주도적\n수평적']);
  });
});
