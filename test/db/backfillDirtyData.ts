/** Dirty app data covering every matching_vectors rule of issue 3 (facet dim 4; one 3-long outlier). */
export const DIRTY_SQL = `
INSERT INTO users (id, email, password_hash, role, deleted_at) VALUES
 (1,'t1@x','x','talent',NULL),(2,'t2@x','x','talent',NULL),(3,'t3@x','x','talent',NULL),(4,'t4@x','x','talent',NULL),
 (5,'t5@x','x','talent',NULL),(6,'t6@x','x','talent',NULL),(7,'t7@x','x','talent',NULL),(8,'t8@x','x','talent',NULL),
 (9,'t9@x','x','talent',NULL),(100,'c1@x','x','company',NULL),(101,'c2@x','x','company',NULL);
INSERT INTO talent_profiles (user_id, is_submitted, deleted_at) VALUES (1,1,NULL),(2,1,NULL),(3,1,NULL),(4,1,NULL),(6,1,NULL),(7,1,NULL),(8,1,'2025-01-01'),(9,1,NULL);
INSERT INTO companies (id, owner_user_id, name, industry, location_city) VALUES (1,100,'A','IT','서울'),(2,101,'B','IT','부산');
INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, deleted_at) VALUES
 (10,1,'백엔드 개발자','경력','무관','정규직','서울',NULL),(11,1,'데이터 엔지니어','경력','무관','정규직','서울',NULL),
 (12,2,'디자이너','신입','무관','정규직','부산',NULL),(13,1,'삭제된 공고','경력','무관','정규직','서울','2025-01-01');
INSERT INTO matching_vectors (id, user_id, role, job_posting_id, updated_at, vector_roles, vector_skills, vector_growth, vector_career, vector_vision, vector_culture) VALUES
 -- user 1: duplicate rows, the newer (id 2) wins
 (1,1,'talent',NULL,'2024-01-01 00:00:00','[9,9,9,9]','[9,9,9,9]',NULL,NULL,NULL,NULL),
 (2,1,'talent',NULL,'2024-02-01 00:00:00','[1,2,3,4]','[0,0,0,2]','[1,0,0,0]','[0,1,0,0]','[0,0,1,0]','[0,0,0,1]'),
 -- user 2: same updated_at, larger id wins
 (4,2,'talent',NULL,'2024-03-01 00:00:00','[0,3,0,4]',NULL,NULL,NULL,NULL,NULL),
 (3,2,'talent',NULL,'2024-03-01 00:00:00','[7,7,7,7]',NULL,NULL,NULL,NULL,NULL),
 -- user 3: strings as numbers and object shapes
 (5,3,'talent',NULL,'2024-01-01 00:00:00','["1", " 2 ", "1e-3", "+4"]','{"vector":[1,1,1,1]}','{"values":[2,0,0,0]}','{"embedding":[0,0,0,5]}','{"vector":"oops","values":[1,1,1,1]}','{"other":[1,1,1,1]}'),
 -- user 4: every invalid kind, so no valid facet and no row
 (6,4,'talent',NULL,'2024-01-01 00:00:00','[]','["a",1,2,3]','[1e39,1,1,1]','[0,0,0,0]','[1,2,3]','["nan",1,1,1]'),
 -- user 5: no talent_profiles row
 (7,5,'talent',NULL,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 -- user 6: some facets missing, some invalid (null item, boolean, scalar, inf string)
 (8,6,'talent',NULL,'2024-01-01 00:00:00','[1,0,0,0]',NULL,'[null,1,1,1]','[true,1,1,1]','5','["inf",1,1,1]'),
 -- user 7: talent row that names a posting
 (9,7,'talent',10,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 -- user 8: soft-deleted talent
 (10,8,'talent',NULL,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 -- user 9: a valid talent with a 3-long vision facet only valid under --dim 3
 (11,9,'talent',NULL,'2024-01-01 00:00:00','[1,2,2,4]',NULL,NULL,NULL,'[1,2,2]',NULL),
 -- company rows
 (20,100,'company',NULL,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 (21,100,'company',10,'2024-01-01 00:00:00','[3,0,4,0]','[1,1,1,1]','[1,1,1,1]','[1,1,1,1]','[1,1,1,1]','[1,1,1,1]'),
 (22,100,'company',12,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 (23,101,'company',11,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 (24,100,'company',11,'2024-01-01 00:00:00','[0,0,0,1e-3]',NULL,NULL,NULL,NULL,NULL),
 (25,100,'company',13,'2024-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL);
`;
