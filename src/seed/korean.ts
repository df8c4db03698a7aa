import type { Rng } from './rng.js';

/** Value pools shaped like the app's enums and free-text columns. Enum lists match the schema exactly. */
export const CITIES = ['서울', '경기', '인천', '부산', '대구', '대전', '광주', '울산', '강원', '충북', '충남', '전북', '전남', '경북', '경남'] as const;
/** Postings and people concentrate in the capital region, as on the real platform. */
export const CITY_WEIGHTS = [40, 20, 6, 6, 4, 4, 3, 2, 2, 2, 2, 2, 2, 2, 3];
export const SALARY_RANGES = [
  '연봉 추후 협상', '2000만 ~ 3000만', '3000만 ~ 4000만', '4000만 ~ 5000만', '5000만 ~ 6000만', '6000만 ~ 7000만',
  '7000만 ~ 8000만', '8000만 ~ 9000만', '9000만 ~ 1억', '1억 ~ 1.2억', '1.2억 ~ 1.5억', '1.5억 이상',
] as const;
export const COMPANY_SIZES = ['1 ~ 10명', '10 ~ 50명', '50 ~ 100명', '100 ~ 200명', '200 ~ 500명', '500 ~ 1000명', '1000명 이상'] as const;
export const EDUCATION_STATUSES = ['재학', '휴학', '졸업 예정', '졸업 유예', '졸업', '중퇴'] as const;
export const POSTING_STATUSES = ['PUBLISHED', 'DRAFT', 'CLOSED', 'ARCHIVED'] as const;

export const INDUSTRIES = ['IT/플랫폼', '핀테크', '이커머스', '게임', '헬스케어', '에듀테크', '모빌리티', '제조', '콘텐츠/미디어', '물류', 'SaaS', '부동산/프롭테크'];
export const CAREER_LEVELS = ['신입', '경력 1~3년', '경력 3~5년', '경력 5~10년', '경력 10년 이상', '경력무관'];
export const EDUCATION_LEVELS = ['학력무관', '고졸 이상', '초대졸 이상', '대졸 이상', '석사 이상'];
export const EMPLOYMENT_TYPES = ['정규직', '정규직', '정규직', '계약직', '인턴'];
export const START_DATES = ['즉시 입사 가능', '협의 후 결정', '합격 후 1개월 이내'];
export const BENEFITS = ['유연근무제', '재택근무', '식대 지원', '자기계발비 지원', '건강검진', '스톡옵션', '리프레시 휴가', '통신비 지원'];
export const LEAVE_REASONS = ['커리어 성장', '이직', '계약 만료', '회사 이전', '학업', '개인 사정'];
export const ACTIVITY_CATEGORIES = ['동아리', '대외활동', '봉사활동', '공모전', '교육'];

const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권', '황', '안', '송', '류', '홍'];
const GIVEN = ['민준', '서연', '도윤', '하은', '지호', '수아', '예준', '지유', '시우', '서윤', '주원', '하린', '지훈', '채원', '현우', '지민', '준서', '다은', '건우', '예린', '우진', '수빈', '선우', '유나', '연우', '가은', '태윤', '소율', '은호', '나연'];
const SCHOOLS = ['서울대학교', '연세대학교', '고려대학교', '성균관대학교', '한양대학교', '중앙대학교', '경희대학교', '부산대학교', '경북대학교', '전남대학교', 'KAIST', '포항공과대학교', '이화여자대학교', '건국대학교', '인하대학교', '한국방송통신대학교'];
const CO_PREFIX = ['넥스트', '블루', '그린', '스마트', '하이', '퓨처', '오픈', '코어', '브릿지', '원더', '모두의', '더웨이', '루트', '스텔라', '한빛', '새봄'];
const CO_SUFFIX = ['랩스', '소프트', '테크', '웍스', '플랫폼', '컴퍼니', '솔루션즈', '파트너스', '네트웍스', '바이오'];
const PREV_EMPLOYERS = ['네이버', '카카오', '쿠팡', '토스', '배달의민족', '라인플러스', '삼성전자', 'LG CNS', 'SK텔레콤', '현대오토에버', 'CJ올리브네트웍스', '당근', '야놀자', '무신사', '크래프톤', '스타트업'];

export const personName = (rng: Rng): string => rng.pick(SURNAMES) + rng.pick(GIVEN);
export const school = (rng: Rng): string => rng.pick(SCHOOLS);
export const previousEmployer = (rng: Rng): string => rng.pick(PREV_EMPLOYERS);

/** Unique for the first 160 indexes, then numbered (e.g. "넥스트랩스 3"). */
export function companyName(index: number): string {
  const n = CO_PREFIX.length * CO_SUFFIX.length;
  const base = CO_PREFIX[index % CO_PREFIX.length] + CO_SUFFIX[Math.floor(index / CO_PREFIX.length) % CO_SUFFIX.length];
  return index < n ? base : `${base} ${Math.floor(index / n) + 1}`;
}

export const phone = (rng: Rng): string => `010-${rng.range(1000, 9999)}-${rng.range(1000, 9999)}`;
