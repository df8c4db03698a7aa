"""EXPLAIN every query the router runs, with ids taken from the published results.

Used by test_explain.py, and runnable on any fitmatch database to reproduce the
README's plans:

    /usr/bin/python3 integrations/fastapi/tests/explain_queries.py mysql+pymysql://root@127.0.0.1:3306/fitconnect
"""

import sys
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fitmatch_router import queries as fr  # noqa: E402


def sample_ids(conn):
    """A talent and a job with published lists, and the company owning the most listed postings."""
    talent = conn.execute(text("SELECT talent_user_id FROM match_results WHERE direction = 'talent_to_job' "
                               "ORDER BY talent_user_id LIMIT 1")).scalar()
    job = conn.execute(text("SELECT job_posting_id FROM match_results WHERE direction = 'job_to_talent' "
                            "ORDER BY job_posting_id LIMIT 1")).scalar()
    company = conn.execute(text(
        "SELECT c.owner_user_id FROM companies c JOIN job_postings jp ON jp.company_id = c.id "
        "WHERE jp.id IN (SELECT job_posting_id FROM match_results WHERE direction = 'job_to_talent') "
        "GROUP BY c.owner_user_id ORDER BY COUNT(*) DESC, c.owner_user_id LIMIT 1")).scalar()
    return {"talent": talent, "job": job, "company": company}


def queries(ids):
    """(name, sql, params) for every statement the router sends."""
    live = {"statuses": ["PUBLISHED"], "today": date.today()}
    return [
        ("jobs for talent (/api/match/talent, matching-results talents)", fr.JOBS_FOR_TALENT_SQL,
         {"subject_id": ids["talent"], "min_score": 0, "limit": 20, "offset": 0}),
        ("talents for job (/api/match/job, matching-results job-postings)", fr.TALENTS_FOR_JOB_SQL,
         {"subject_id": ids["job"], "min_score": 0, "limit": 20, "offset": 0}),
        ("talents for company (matching-results companies)", fr.TALENTS_FOR_COMPANY_SQL,
         {"subject_id": ids["company"], "min_score": 0, "limit": 100, "offset": 0}),
        ("published state (empty lists, /score)", fr.PUBLISHED_SQL, {}),
        ("talent in run? (empty lists only)", fr.TALENT_IN_RUN_SQL, {"subject_id": ids["talent"]}),
        ("job in run? (empty lists only)", fr.JOB_IN_RUN_SQL, {"subject_id": ids["job"]}),
        ("talent embedding (/score, empty lists)", fr.TALENT_EMBEDDING_SQL, {"id": ids["talent"]}),
        ("job embedding (/score, empty lists)", fr.JOB_EMBEDDING_SQL, {"id": ids["job"]}),
        ("live: open postings (live_fallback only)", fr.LIVE_JOBS_SQL, live),
        ("live: eligible talents (live_fallback only)", fr.LIVE_TALENTS_SQL, {}),
    ]


def explain(conn, sql, params):
    stmt = text("EXPLAIN " + sql)
    if "statuses" in params:
        stmt = stmt.bindparams(bindparam("statuses", expanding=True))
    return [dict(r) for r in conn.execute(stmt, params).mappings()]


def format_plan(rows):
    cols = ["table", "type", "key", "ref", "rows", "Extra"]
    table = [[str(r.get(c) if r.get(c) is not None else "NULL") for c in cols] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(t, widths)).rstrip() for t in table]
    return "\n".join(lines)


if __name__ == "__main__":
    engine = create_engine(sys.argv[1])
    with engine.connect() as conn:
        print(conn.execute(text("SELECT VERSION()")).scalar())
        ids = sample_ids(conn)
        for name, sql, params in queries(ids):
            print(f"\n-- {name}")
            print(format_plan(explain(conn, sql, params)))
