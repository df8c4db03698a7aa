"""The router's eligibility SQL (queries.ELIGIBLE_TALENTS_FROM / ELIGIBLE_JOBS_FROM, used by the
live fallback) and its twin in fitmatch's TypeScript store (talentIdsQuery / jobIdsQuery in
queries.ELIGIBILITY_TWIN) pick the same talents and postings from the same rows: one fresh
database, a case per rule, both queries run on it (the TypeScript one through node and mysql2,
as fitmatch runs it)."""

import json
import secrets
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import bindparam, create_engine, inspect, text

from conftest import HOST, PASSWORD, PORT, REPO, USER, _fitmatch, _server, _url
from fitmatch_router import queries as q

# The rules the twin takes (resolveEligibility), built by `npm ci` into dist/.
RULES = "engine/eligibility"
TODAY = date(2027, 1, 4)

# (case, role, user deleted, profile deleted, any facet, eligible). No case without a profile:
# talent_embeddings' foreign key to talent_profiles cascades, so such a talent has no embedding.
TALENT_CASES = [
    ("eligible", "talent", False, False, True, True),
    ("eligible too", "talent", False, False, True, True),
    ("user deleted", "talent", True, False, True, False),
    ("profile deleted", "talent", False, True, True, False),
    ("a company user", "company", False, False, True, False),
    ("no facet", "talent", False, False, False, False),
]
# (case, status, deadline, deleted, any facet, eligible with PUBLISHED, with PUBLISHED + CLOSED)
JOB_CASES = [
    ("open, no deadline", "PUBLISHED", None, False, True, True, True),
    ("deadline today", "PUBLISHED", TODAY, False, True, True, True),
    ("deadline tomorrow", "PUBLISHED", TODAY + timedelta(days=1), False, True, True, True),
    ("deadline yesterday", "PUBLISHED", TODAY - timedelta(days=1), False, True, False, False),
    ("draft", "DRAFT", None, False, True, False, False),
    ("closed", "CLOSED", None, False, True, False, True),
    ("deleted", "PUBLISHED", None, True, True, False, False),
    ("no facet", "PUBLISHED", None, False, False, False, False),
]

TS_SIDE = """
const { module, rules, db, statuses, today } = JSON.parse(process.env.FMPY_TWIN);
const mysql = (await import('mysql2/promise')).default;
const twin = await import(module);
const e = (await import(rules)).resolveEligibility(
  { jobStatuses: statuses, includeExpired: false, includeDeleted: false, timezone: 'Asia/Seoul', today }, new Date());
const conn = await mysql.createConnection(db);
const ids = async (query) =>
  (await conn.query({ sql: query.sql, values: query.params, rowsAsArray: true }))[0].map((r) => Number(r[0]));
console.log(JSON.stringify({ talents: await ids(twin.talentIdsQuery(e)), jobs: await ids(twin.jobIdsQuery(e)) }));
await conn.end();
"""


def copy_embedding(conn, table, key, source_id, target_id):
    """Give target_id the embedding row of source_id (fitmatch's backfill skips ineligible
    subjects; here they must have one, as a subject deleted after the backfill has)."""
    if conn.execute(text(f"SELECT 1 FROM {table} WHERE {key} = :id"), {"id": target_id}).first():
        return
    cols = [c["name"] for c in inspect(conn).get_columns(table)]
    picks = ", ".join(":target" if c == key else c for c in cols)
    conn.execute(text(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {picks} FROM {table} WHERE {key} = :source"),
                 {"target": target_id, "source": source_id})


def build_cases(conn):
    talents = [r[0] for r in conn.execute(text("SELECT id FROM users WHERE role = 'talent' ORDER BY id"))]
    source = conn.execute(text("SELECT talent_user_id FROM talent_embeddings ORDER BY 1 LIMIT 1")).scalar()
    assert len(talents) >= len(TALENT_CASES) and source is not None
    talent_ids = {}
    for (case, role, user_deleted, profile_deleted, facet, _), user_id in zip(TALENT_CASES, talents):
        talent_ids[case] = user_id
        conn.execute(text("INSERT IGNORE INTO talent_profiles (user_id, name, is_submitted) VALUES (:id, 'x', 1)"),
                     {"id": user_id})
        conn.execute(text("UPDATE talent_profiles SET deleted_at = IF(:d, UTC_TIMESTAMP(), NULL) WHERE user_id = :id"),
                     {"d": profile_deleted, "id": user_id})
        copy_embedding(conn, "talent_embeddings", "talent_user_id", source, user_id)
        conn.execute(text("UPDATE talent_embeddings SET facet_mask = :m WHERE talent_user_id = :id"),
                     {"m": 63 if facet else 0, "id": user_id})
        conn.execute(text("UPDATE users SET role = :r, deleted_at = IF(:d, UTC_TIMESTAMP(), NULL) WHERE id = :id"),
                     {"r": role, "d": user_deleted, "id": user_id})

    jobs = [r[0] for r in conn.execute(text("SELECT id FROM job_postings ORDER BY id"))]
    source = conn.execute(text("SELECT job_posting_id FROM job_embeddings ORDER BY 1 LIMIT 1")).scalar()
    assert len(jobs) >= len(JOB_CASES) and source is not None
    job_ids = {}
    for (case, status, deadline, deleted, facet, _, _), job_id in zip(JOB_CASES, jobs):
        job_ids[case] = job_id
        copy_embedding(conn, "job_embeddings", "job_posting_id", source, job_id)
        conn.execute(text("UPDATE job_embeddings SET facet_mask = :m WHERE job_posting_id = :id"),
                     {"m": 63 if facet else 0, "id": job_id})
        conn.execute(text("UPDATE job_postings SET status = :s, deadline_date = :dl, "
                          "deleted_at = IF(:d, UTC_TIMESTAMP(), NULL) WHERE id = :id"),
                     {"s": status, "dl": deadline, "d": deleted, "id": job_id})
    # Only the cases have embeddings: every candidate either query could return is a case.
    conn.execute(text("DELETE FROM talent_embeddings WHERE talent_user_id NOT IN :ids")
                 .bindparams(bindparam("ids", expanding=True)), {"ids": list(talent_ids.values())})
    conn.execute(text("DELETE FROM job_embeddings WHERE job_posting_id NOT IN :ids")
                 .bindparams(bindparam("ids", expanding=True)), {"ids": list(job_ids.values())})
    return talent_ids, job_ids


@pytest.fixture(scope="module")
def twin_db():
    name = f"fmpy_twin_{secrets.token_hex(4)}"
    with _server() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    engine = create_engine(_url(name, "mysql+pymysql") + "?charset=utf8mb4", future=True)
    try:
        _fitmatch(name, "seed", "--talents", "8", "--jobs", "8", "--companies", "2", "--dim", "4", "--seed", "3")
        _fitmatch(name, "migrate")
        _fitmatch(name, "backfill")
        with engine.begin() as conn:
            cases = build_cases(conn)
        yield name, engine, cases
    finally:
        engine.dispose()
        with _server() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def test_queries_name_the_twin_where_it_is():
    twin = REPO / q.ELIGIBILITY_TWIN
    source = twin.read_text(encoding="utf-8") if twin.exists() else ""
    assert "export function talentIdsQuery" in source and "export function jobIdsQuery" in source, \
        f"queries.ELIGIBILITY_TWIN names {q.ELIGIBILITY_TWIN}, which does not define talentIdsQuery / jobIdsQuery"


def typescript_side(db_name, statuses):
    # The twin as `npm ci` builds it (tsconfig.build.json: src/ -> dist/).
    module = REPO / "dist" / q.ELIGIBILITY_TWIN.replace("src/", "", 1).replace(".ts", ".js")
    assert module.exists(), f"{module} is missing: run `npm ci` at the repository root"
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "FMPY_TWIN": json.dumps({
        "module": module.as_uri(), "rules": (REPO / "dist" / f"{RULES}.js").as_uri(),
        "statuses": list(statuses), "today": TODAY.isoformat(),
        "db": {"host": HOST, "port": PORT, "user": USER, "password": PASSWORD, "database": db_name}})}
    done = subprocess.run(["node", "--input-type=module", "-e", TS_SIDE], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    return set(out["talents"]), set(out["jobs"])


def python_side(engine, statuses):
    eligibility = q.Eligibility(job_statuses=tuple(statuses), today=TODAY)
    with engine.connect() as conn:
        # A talent's candidates are postings, and a posting's are talents.
        jobs = {int(r["id"]) for r in q.read_live_candidates(conn, q.TALENT, eligibility)}
        talents = {int(r["id"]) for r in q.read_live_candidates(conn, q.JOB, eligibility)}
        assert q.count_live_candidates(conn, q.TALENT, eligibility) == len(jobs)
        assert q.count_live_candidates(conn, q.JOB, eligibility) == len(talents)
    return talents, jobs


@pytest.mark.parametrize("statuses, column", [(("PUBLISHED",), 5), (("PUBLISHED", "CLOSED"), 6)])
def test_router_and_store_pick_the_same_talents_and_postings(twin_db, statuses, column):
    name, engine, (talent_ids, job_ids) = twin_db
    want_talents = {talent_ids[c[0]] for c in TALENT_CASES if c[5]}
    want_jobs = {job_ids[c[0]] for c in JOB_CASES if c[column]}
    assert python_side(engine, statuses) == typescript_side(name, statuses) == (want_talents, want_jobs)
