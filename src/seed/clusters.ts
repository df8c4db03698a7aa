/**
 * Role clusters: a talent and a posting from the same cluster get vectors near the
 * same centroids and texts from the same vocabulary, so both the matching_vectors
 * source and the text source produce matches that mean something.
 * Clusters of one family (개발, 데이터, ...) share part of their centroid.
 */
export interface RoleCluster {
  key: string;
  family: string;
  /** Relative frequency among talents and postings. */
  weight: number;
  role: string;
  positionGroup: string;
  department: string;
  titles: string[];
  skills: string[];
  certifications: string[];
  majors: string[];
  activities: string[];
  responsibilities: string[];
  requirements: string[];
  niceToHave: string[];
  competencies: string[];
}

export const CLUSTERS: RoleCluster[] = [
  {
    key: 'backend', family: 'dev', weight: 14, role: '백엔드 개발자', positionGroup: '개발', department: '플랫폼개발팀',
    titles: ['백엔드 개발자', '서버 개발자', 'Java/Spring 백엔드 엔지니어', 'Python 백엔드 개발자'],
    skills: ['Java', 'Spring Boot', 'Python', 'FastAPI', 'MySQL', 'Redis', 'Kafka', 'AWS'],
    certifications: ['정보처리기사', 'AWS Certified Developer', 'SQLD'],
    majors: ['컴퓨터공학', '소프트웨어학', '정보통신공학'],
    activities: ['오픈소스 컨트리뷰션', '알고리즘 스터디'],
    responsibilities: ['대용량 트래픽 API 설계 및 개발', '결제/정산 서버 개발', 'MSA 전환 및 성능 최적화'],
    requirements: ['Java 또는 Python 실무 경험 3년 이상', 'RDBMS 설계 경험', 'REST API 설계 경험'],
    niceToHave: ['Kafka 운영 경험', '클라우드 인프라 경험'],
    competencies: ['문제 해결력', '코드 리뷰 문화', '책임감'],
  },
  {
    key: 'frontend', family: 'dev', weight: 11, role: '프론트엔드 개발자', positionGroup: '개발', department: '웹개발팀',
    titles: ['프론트엔드 개발자', 'React 개발자', '웹 프론트엔드 엔지니어'],
    skills: ['TypeScript', 'React', 'Next.js', 'Vue.js', 'HTML/CSS', 'Webpack', '웹 접근성'],
    certifications: ['정보처리기사', '웹디자인기능사'],
    majors: ['컴퓨터공학', '멀티미디어공학', '산업디자인'],
    activities: ['해커톤 참가', '프론트엔드 기술 블로그 운영'],
    responsibilities: ['서비스 웹 프론트엔드 개발', '디자인 시스템 구축', '웹 성능 최적화'],
    requirements: ['React 실무 경험 2년 이상', 'TypeScript 능숙', '반응형 웹 개발 경험'],
    niceToHave: ['SSR 경험', '테스트 코드 작성 경험'],
    competencies: ['사용자 관점', '협업 능력', '꼼꼼함'],
  },
  {
    key: 'mobile', family: 'dev', weight: 6, role: '모바일 앱 개발자', positionGroup: '개발', department: '앱개발팀',
    titles: ['iOS 개발자', 'Android 개발자', 'Flutter 앱 개발자'],
    skills: ['Swift', 'Kotlin', 'Flutter', 'React Native', 'SwiftUI', 'Jetpack Compose'],
    certifications: ['정보처리기사'],
    majors: ['컴퓨터공학', '전자공학'],
    activities: ['개인 앱 출시', '모바일 개발자 밋업 발표'],
    responsibilities: ['커머스 앱 신규 기능 개발', '앱 안정성 및 크래시 개선', '앱 아키텍처 개선'],
    requirements: ['iOS 또는 Android 실무 경험 3년 이상', '앱 스토어 배포 경험'],
    niceToHave: ['크로스플랫폼 경험', 'CI/CD 구축 경험'],
    competencies: ['디테일', '주도성'],
  },
  {
    key: 'devops', family: 'dev', weight: 5, role: 'DevOps 엔지니어', positionGroup: '개발', department: '인프라팀',
    titles: ['DevOps 엔지니어', 'SRE', '클라우드 인프라 엔지니어'],
    skills: ['Kubernetes', 'Docker', 'Terraform', 'AWS', 'Linux', 'Prometheus', 'GitHub Actions'],
    certifications: ['AWS Solutions Architect', 'CKA', '리눅스마스터 1급'],
    majors: ['컴퓨터공학', '정보보호학'],
    activities: ['클라우드 스터디 운영', '인프라 자동화 오픈소스'],
    responsibilities: ['쿠버네티스 클러스터 운영', '배포 파이프라인 구축', '모니터링 및 장애 대응'],
    requirements: ['클라우드 운영 경험 3년 이상', 'IaC 경험'],
    niceToHave: ['온콜 운영 경험', '보안 인증 대응 경험'],
    competencies: ['안정성 중시', '자동화 마인드'],
  },
  {
    key: 'data_scientist', family: 'data', weight: 7, role: '데이터 사이언티스트', positionGroup: '데이터', department: '데이터사이언스팀',
    titles: ['데이터 사이언티스트', '머신러닝 엔지니어', '추천 시스템 연구원'],
    skills: ['Python', 'PyTorch', 'scikit-learn', 'SQL', '통계 분석', 'A/B 테스트', 'LLM'],
    certifications: ['ADsP', '빅데이터분석기사', 'SQLD'],
    majors: ['통계학', '산업공학', '수학', '컴퓨터공학'],
    activities: ['Kaggle 대회 입상', '논문 스터디'],
    responsibilities: ['추천 모델 개발 및 고도화', '실험 설계와 효과 분석', 'LLM 기반 기능 개발'],
    requirements: ['머신러닝 모델링 경험 2년 이상', 'Python 및 SQL 능숙'],
    niceToHave: ['석사 이상', '논문 게재 경험'],
    competencies: ['분석적 사고', '호기심'],
  },
  {
    key: 'data_engineer', family: 'data', weight: 5, role: '데이터 엔지니어', positionGroup: '데이터', department: '데이터플랫폼팀',
    titles: ['데이터 엔지니어', '데이터 플랫폼 엔지니어', 'ETL 개발자'],
    skills: ['Spark', 'Airflow', 'Kafka', 'BigQuery', 'Python', 'SQL', 'dbt'],
    certifications: ['빅데이터분석기사', 'SQLP', '정보처리기사'],
    majors: ['컴퓨터공학', '산업공학'],
    activities: ['데이터 엔지니어링 스터디'],
    responsibilities: ['데이터 파이프라인 구축', '데이터 웨어하우스 설계', '실시간 스트리밍 처리'],
    requirements: ['대용량 데이터 처리 경험', 'SQL 능숙'],
    niceToHave: ['Spark 튜닝 경험', '데이터 거버넌스 경험'],
    competencies: ['체계적 사고', '커뮤니케이션'],
  },
  {
    key: 'designer', family: 'design', weight: 9, role: '프로덕트 디자이너', positionGroup: '디자인', department: '디자인팀',
    titles: ['프로덕트 디자이너', 'UX/UI 디자이너', 'BX 디자이너'],
    skills: ['Figma', 'UX 리서치', '프로토타이핑', '디자인 시스템', 'Adobe XD', '사용성 테스트'],
    certifications: ['컬러리스트기사', '시각디자인기사'],
    majors: ['시각디자인', '산업디자인', '인터랙션디자인'],
    activities: ['디자인 공모전 수상', 'UX 스터디'],
    responsibilities: ['앱/웹 UX 설계', '디자인 시스템 운영', '사용자 리서치 수행'],
    requirements: ['프로덕트 디자인 경험 3년 이상', '포트폴리오 필수'],
    niceToHave: ['모션 디자인 경험', '데이터 기반 디자인 경험'],
    competencies: ['공감 능력', '심미성'],
  },
  {
    key: 'pm', family: 'biz', weight: 9, role: '프로덕트 매니저', positionGroup: '기획', department: '서비스기획팀',
    titles: ['프로덕트 매니저', '서비스 기획자', 'PO (Product Owner)'],
    skills: ['서비스 기획', '요구사항 정의', '데이터 분석', 'Jira', '로드맵 수립', 'SQL'],
    certifications: ['PMP', 'ADsP'],
    majors: ['경영학', '산업공학', '심리학'],
    activities: ['창업 동아리', '서비스 기획 공모전'],
    responsibilities: ['신규 서비스 기획 및 출시', '지표 기반 개선 과제 도출', '유관 부서 협업 리딩'],
    requirements: ['서비스 기획 경험 3년 이상', '데이터 기반 의사결정 경험'],
    niceToHave: ['B2C 플랫폼 경험', '개발 이해도'],
    competencies: ['리더십', '우선순위 판단'],
  },
  {
    key: 'marketer', family: 'biz', weight: 10, role: '퍼포먼스 마케터', positionGroup: '마케팅', department: '마케팅팀',
    titles: ['퍼포먼스 마케터', '브랜드 마케터', '그로스 마케터', '콘텐츠 마케터'],
    skills: ['GA4', '메타 광고', '구글 애즈', 'CRM 마케팅', '카피라이팅', 'SQL'],
    certifications: ['검색광고마케터 1급', 'GAIQ'],
    majors: ['경영학', '광고홍보학', '신문방송학'],
    activities: ['마케팅 학회', 'SNS 채널 운영'],
    responsibilities: ['광고 캠페인 운영 및 최적화', '브랜드 캠페인 기획', 'CRM 자동화'],
    requirements: ['디지털 마케팅 경험 2년 이상', '광고 성과 분석 능력'],
    niceToHave: ['앱 마케팅 경험', '콘텐츠 제작 경험'],
    competencies: ['트렌드 감각', '실행력'],
  },
  {
    key: 'sales', family: 'biz', weight: 10, role: 'B2B 영업', positionGroup: '영업', department: '영업본부',
    titles: ['B2B 영업 담당자', '기술 영업', '엔터프라이즈 세일즈 매니저', '고객 성공 매니저'],
    skills: ['B2B 영업', '제안서 작성', 'CRM(Salesforce)', '협상', '고객 관리', '파트너십'],
    certifications: ['유통관리사', '무역영어 1급'],
    majors: ['경영학', '무역학', '경제학'],
    activities: ['영업 인턴십', '교환학생'],
    responsibilities: ['신규 고객사 발굴', '주요 고객 관계 관리', '매출 목표 달성 전략 수립'],
    requirements: ['B2B 영업 경험 3년 이상', '운전면허 소지'],
    niceToHave: ['SaaS 영업 경험', '영어 회화 가능'],
    competencies: ['대인관계', '끈기'],
  },
  {
    key: 'hr', family: 'support', weight: 7, role: '인사 담당자', positionGroup: '인사', department: '인사팀',
    titles: ['HR 매니저', '채용 담당자', '조직문화 담당자', 'HRBP'],
    skills: ['채용', '평가보상', '노무', '조직문화', 'HRIS', '교육 기획'],
    certifications: ['공인노무사', '직업상담사 2급'],
    majors: ['경영학', '심리학', '교육학'],
    activities: ['HR 스터디', '멘토링 프로그램'],
    responsibilities: ['채용 프로세스 운영', '평가 및 보상 제도 운영', '조직문화 프로그램 기획'],
    requirements: ['인사 실무 경험 3년 이상', '노동법 이해'],
    niceToHave: ['스타트업 HR 경험', '채용 브랜딩 경험'],
    competencies: ['공정성', '신뢰'],
  },
  {
    key: 'finance', family: 'support', weight: 7, role: '재무회계 담당자', positionGroup: '재무', department: '재무팀',
    titles: ['재무회계 담당자', '세무 담당자', 'FP&A 매니저'],
    skills: ['재무제표 작성', '결산', '세무 신고', 'ERP(SAP)', '예산 관리', '엑셀'],
    certifications: ['공인회계사', '재경관리사', '전산회계 1급'],
    majors: ['회계학', '경영학', '경제학'],
    activities: ['회계 학회', '재무 분석 스터디'],
    responsibilities: ['월/분기 결산', '세무 신고 및 대응', '예산 편성 및 분석'],
    requirements: ['회계 실무 경험 3년 이상', 'K-IFRS 이해'],
    niceToHave: ['상장사 경험', 'IPO 준비 경험'],
    competencies: ['정확성', '윤리 의식'],
  },
];

/** vision and culture facets cluster by company culture, not by role. */
export const CULTURES = [
  { key: 'startup', label: '빠르게 실행하는 스타트업 문화', values: ['자율과 책임', '빠른 실행', '수평적 소통'] },
  { key: 'stable', label: '안정적이고 체계적인 조직 문화', values: ['체계적 프로세스', '워라밸', '장기 근속'] },
  { key: 'growth', label: '학습과 성장을 중시하는 문화', values: ['교육 지원', '커리어 성장', '피드백 문화'] },
  { key: 'mission', label: '사회적 가치를 추구하는 문화', values: ['사회적 임팩트', '지속가능성', '다양성 존중'] },
];

export const CLUSTER_WEIGHTS = CLUSTERS.map((c) => c.weight);
