"""Every statement the router sends, and the typed reads around them.

Contract v2 (docs/contract.md): match_results stores no rank. A list's order is
total_score DESC, then the other side's id ASC; results are numbered as they are read.
The two indexes end in (total_score DESC, other id), so the ORDER BY reads in index
order without a sort.
The published state (match_published, one row) is joined into each list query so the
list and the run it belongs to are read in one statement: fitmatch swaps both tables in
one RENAME, so they can never disagree inside a statement.
An INNER join (not LEFT) keeps the ORDER BY on the index: with match_results as the inner
table of a LEFT JOIN, MariaDB sorts in a temporary table.
FORCE INDEX: the primary key (direction, talent_user_id, ...) also matches the talent
query's WHERE, and the optimizer may pick it and sort.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Dict, Iterator, List, Optional, Sequence

from sqlalchemy import bindparam, text

from .scoring import FACETS

_PUBLISHED_COLUMNS = """
       p.run_id, p.published_at, p.top_k,
       p.weight_roles, p.weight_skills, p.weight_growth,
       p.weight_career, p.weight_vision, p.weight_culture,
       TIMESTAMPDIFF(MICROSECOND, p.published_at, UTC_TIMESTAMP(3)) / 1000000 AS age_seconds"""

_SCORE_COLUMNS = """
       r.total_score,
       r.score_roles, r.score_skills, r.score_growth,
       r.score_career, r.score_vision, r.score_culture, r.computed_at"""

JOBS_FOR_TALENT_SQL = f"""
SELECT {_PUBLISHED_COLUMNS},
       r.talent_user_id, r.job_posting_id, c.owner_user_id AS company_user_id, {_SCORE_COLUMNS}
FROM match_published p
JOIN match_results r FORCE INDEX (ix_match_results_talent)
  ON r.talent_user_id = :subject_id AND r.direction = 'talent_to_job'
LEFT JOIN job_postings jp ON jp.id = r.job_posting_id
LEFT JOIN companies c ON c.id = jp.company_id
WHERE p.id = 1 AND r.total_score >= :min_score
ORDER BY r.total_score DESC, r.job_posting_id
LIMIT :limit OFFSET :offset"""

TALENTS_FOR_JOB_SQL = f"""
SELECT {_PUBLISHED_COLUMNS},
       r.talent_user_id, r.job_posting_id, {_SCORE_COLUMNS}
FROM match_published p
JOIN match_results r FORCE INDEX (ix_match_results_job)
  ON r.job_posting_id = :subject_id AND r.direction = 'job_to_talent'
WHERE p.id = 1 AND r.total_score >= :min_score
ORDER BY r.total_score DESC, r.talent_user_id
LIMIT :limit OFFSET :offset"""

# Merges the lists of all the company's postings: the one query that sorts (a
# filesort over at most postings x top_k rows; no index orders across postings).
TALENTS_FOR_COMPANY_SQL = f"""
SELECT {_PUBLISHED_COLUMNS},
       r.talent_user_id, r.job_posting_id, {_SCORE_COLUMNS}
FROM match_published p
JOIN companies c ON c.owner_user_id = :subject_id
JOIN job_postings jp ON jp.company_id = c.id
JOIN match_results r FORCE INDEX (ix_match_results_job)
  ON r.job_posting_id = jp.id AND r.direction = 'job_to_talent'
WHERE p.id = 1 AND r.total_score >= :min_score
ORDER BY r.total_score DESC, r.job_posting_id, r.talent_user_id
LIMIT :limit OFFSET :offset"""

PUBLISHED_SQL = f"SELECT {_PUBLISHED_COLUMNS} FROM match_published p WHERE p.id = 1"
COMPANY_SQL = "SELECT 1 FROM companies WHERE owner_user_id = :subject_id LIMIT 1"

# Only run when a list came back empty, to say why.
TALENT_IN_RUN_SQL = """
SELECT 1 FROM match_results FORCE INDEX (ix_match_results_talent)
WHERE talent_user_id = :subject_id AND direction = 'talent_to_job' LIMIT 1"""
JOB_IN_RUN_SQL = """
SELECT 1 FROM match_results FORCE INDEX (ix_match_results_job)
WHERE job_posting_id = :subject_id AND direction = 'job_to_talent' LIMIT 1"""

TALENT_EMBEDDING_SQL = """
SELECT facet_dims, vectors, created_at FROM talent_embeddings WHERE talent_user_id = :id"""
JOB_EMBEDDING_SQL = """
SELECT facet_dims, vectors, created_at FROM job_embeddings WHERE job_posting_id = :id"""

# Live fallback only: fitmatch's default eligibility (includeExpired and includeDeleted off), the twin
# of talentIdsQuery / jobIdsQuery in fitmatch's TypeScript store. A change to one is a change to both:
# tests/test_eligibility_twin.py runs both on the same rows and fails when they disagree.
ELIGIBILITY_TWIN = "src/store/eligibilityQueries.ts"
ELIGIBLE_JOBS_FROM = """
FROM job_embeddings je JOIN job_postings jp ON jp.id = je.job_posting_id
WHERE jp.status IN :statuses AND jp.deleted_at IS NULL
  AND (jp.deadline_date IS NULL OR jp.deadline_date >= :today) AND je.facet_mask <> 0"""
ELIGIBLE_TALENTS_FROM = """
FROM talent_embeddings te
JOIN users u ON u.id = te.talent_user_id
JOIN talent_profiles tp ON tp.user_id = te.talent_user_id
WHERE u.role = 'talent' AND u.deleted_at IS NULL AND tp.deleted_at IS NULL AND te.facet_mask <> 0"""
LIVE_JOBS_COUNT_SQL = "SELECT COUNT(*) AS n " + ELIGIBLE_JOBS_FROM
LIVE_JOBS_SQL = "SELECT je.job_posting_id AS id, je.facet_dims, je.vectors " + ELIGIBLE_JOBS_FROM
LIVE_TALENTS_COUNT_SQL = "SELECT COUNT(*) AS n " + ELIGIBLE_TALENTS_FROM
LIVE_TALENTS_SQL = "SELECT te.talent_user_id AS id, te.facet_dims, te.vectors " + ELIGIBLE_TALENTS_FROM

ALL_ROWS = 2**31 - 1


@dataclass(frozen=True)
class Side:
    """Which side of match_results a path's subject is on."""

    entity: str            # "talent" / "job", as in the app's messages
    id_key: str            # the subject's key in /api/match answers and paths
    other_key: str         # the other side's key in /api/match results
    other_id_column: str   # the other side's id column in match_results
    list_sql: str
    in_run_sql: str
    embedding_sql: str


TALENT = Side("talent", "talent_id", "job_id", "job_posting_id",
              JOBS_FOR_TALENT_SQL, TALENT_IN_RUN_SQL, TALENT_EMBEDDING_SQL)
JOB = Side("job", "job_id", "talent_id", "talent_user_id",
           TALENTS_FOR_JOB_SQL, JOB_IN_RUN_SQL, JOB_EMBEDDING_SQL)


@dataclass(frozen=True)
class Published:
    """match_published's row: the run match_results holds."""

    run_id: int
    published_at: datetime
    top_k: int
    weights: Dict[str, float]
    age_seconds: float


@dataclass(frozen=True)
class Eligibility:
    """What the live path considers open: fitmatch's defaults for a run on `today`."""

    job_statuses: Sequence[str]
    today: date


def published_of(row: Optional[Any]) -> Optional[Published]:
    """The published state from any row carrying _PUBLISHED_COLUMNS (the lists join it in)."""
    if row is None:
        return None
    return Published(
        run_id=int(row["run_id"]),
        published_at=row["published_at"],
        top_k=int(row["top_k"]),
        weights={f: float(row["weight_" + f]) for f in FACETS},
        age_seconds=float(row["age_seconds"]),
    )


def read_published(db: Any) -> Optional[Published]:
    return published_of(db.execute(text(PUBLISHED_SQL)).mappings().first())


def read_list(db: Any, sql: str, subject_id: int, min_score: float, limit: int, offset: int
              ) -> List[Any]:
    """A subject's stored rows (one of the three list statements), with the published state."""
    # No list holds ALL_ROWS rows, so capping changes no answer; an offset past the server's
    # integer range would fail the statement instead of reading nothing.
    return db.execute(text(sql), {"subject_id": subject_id, "min_score": min_score,
                                  "limit": min(limit, ALL_ROWS), "offset": min(offset, ALL_ROWS)}).mappings().all()


def read_embedding(db: Any, side: Side, subject_id: int) -> Optional[Any]:
    """The subject's embedding row (facet_dims, vectors, created_at), or None."""
    return db.execute(text(side.embedding_sql), {"id": subject_id}).mappings().first()


def in_run(db: Any, side: Side, subject_id: int) -> bool:
    return db.execute(text(side.in_run_sql), {"subject_id": subject_id}).first() is not None


def company_exists(db: Any, owner_user_id: int) -> bool:
    return db.execute(text(COMPANY_SQL), {"subject_id": owner_user_id}).first() is not None


def _live_statement(side: Side, count: bool, eligibility: Eligibility):
    if side is TALENT:  # the subject is a talent: its candidates are postings
        stmt = text(LIVE_JOBS_COUNT_SQL if count else LIVE_JOBS_SQL)
        params = {"statuses": list(eligibility.job_statuses), "today": eligibility.today}
        return stmt.bindparams(bindparam("statuses", expanding=True)), params
    return text(LIVE_TALENTS_COUNT_SQL if count else LIVE_TALENTS_SQL), {}


def count_live_candidates(db: Any, side: Side, eligibility: Eligibility) -> int:
    stmt, params = _live_statement(side, True, eligibility)
    return int(db.execute(stmt, params).scalar())


def read_live_candidates(db: Any, side: Side, eligibility: Eligibility) -> Iterator[Any]:
    """Eligible candidates of the other side: rows of (id, facet_dims, vectors)."""
    stmt, params = _live_statement(side, False, eligibility)
    return iter(db.execute(stmt, params).mappings())
