"""FitConnect match endpoints served from fitmatch's published results.

Copy this file into the app (e.g. app/api/routes/fitmatch_router.py) and mount it:

    from app.api.deps import get_current_user, get_db
    from app.api.routes.fitmatch_router import build_router
    app.include_router(build_router(get_db, get_current_user,
                                    is_enabled=lambda: settings.MATCHING_ENABLED))

It serves the app's existing endpoints with the same paths, parameters and JSON shapes:

    GET /api/match/talent/{talent_id}          ?top_k=20
    GET /api/match/talent/{talent_id}/all      ?limit=50&offset=0
    GET /api/match/job/{job_id}                ?top_k=20
    GET /api/match/job/{job_id}/all            ?limit=50&offset=0
    GET /api/match/score                       ?talent_id=&job_id=
    GET /api/matching-results/talents/{user_id}/job-postings      ?min_score=0&limit=top_k&offset=0
    GET /api/matching-results/job-postings/{job_posting_id}/talents
    GET /api/matching-results/companies/{company_user_id}/talents

Lists come from `match_results` (written nightly by fitmatch) with one indexed query;
`/score` reads the two embedding rows by primary key. Every answer carries `meta`
saying where it came from and, when it is not the exact answer to the request,
`meta.degraded = true` with `meta.reasons` (see integrations/fastapi/README.md).

Works with FastAPI 0.92-0.11x, SQLAlchemy 1.4 (2.0-style) and 2.x, Pydantic 1 and 2.
"""

import json
import math
import operator
import sys
from array import array
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import bindparam, text

FACETS = ("roles", "skills", "growth", "career", "vision", "culture")
DEFAULT_WEIGHTS = {f: 1.0 for f in FACETS}

# --------------------------------------------------------------------------------------
# SQL. Contract v2 (docs/contract.md): match_results stores no rank. A list's order is
# total_score DESC, then the other side's id ASC; results are numbered as they are read.
# The two indexes end in (total_score DESC, other id), so the ORDER BY reads in index
# order without a sort.
# The published state (match_published, one row) is joined into each list query so
# the list and the run it belongs to are read in one statement: fitmatch swaps both
# tables in one RENAME, so they can never disagree inside a statement.
# An INNER join (not LEFT) keeps the ORDER BY on the index: with match_results as
# the inner table of a LEFT JOIN, MariaDB sorts in a temporary table.
# FORCE INDEX: the primary key (direction, talent_user_id, ...) also matches the talent
# query's WHERE, and the optimizer may pick it and sort.
# --------------------------------------------------------------------------------------

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

# Live fallback only: fitmatch's default eligibility (src/engine/eligibility.ts).
_LIVE_JOBS_FROM = """
FROM job_embeddings je JOIN job_postings jp ON jp.id = je.job_posting_id
WHERE jp.status IN :statuses AND jp.deleted_at IS NULL
  AND (jp.deadline_date IS NULL OR jp.deadline_date >= :today) AND je.facet_mask <> 0"""
_LIVE_TALENTS_FROM = """
FROM talent_embeddings te
JOIN users u ON u.id = te.talent_user_id
JOIN talent_profiles tp ON tp.user_id = te.talent_user_id
WHERE u.role = 'talent' AND u.deleted_at IS NULL AND tp.deleted_at IS NULL AND te.facet_mask <> 0"""
LIVE_JOBS_COUNT_SQL = "SELECT COUNT(*) AS n " + _LIVE_JOBS_FROM
LIVE_JOBS_SQL = "SELECT je.job_posting_id AS id, je.facet_dims, je.vectors " + _LIVE_JOBS_FROM
LIVE_TALENTS_COUNT_SQL = "SELECT COUNT(*) AS n " + _LIVE_TALENTS_FROM
LIVE_TALENTS_SQL = "SELECT te.talent_user_id AS id, te.facet_dims, te.vectors " + _LIVE_TALENTS_FROM

_ALL_ROWS = 2**31 - 1
# /api/matching-results/* without a limit and nothing published: the app's old default.
_DEFAULT_RESULTS_LIMIT = 100
_MAX_RESULTS_LIMIT = 500

# Which side of match_results a path's subject is on.
_TALENT = {
    "entity": "talent", "id_key": "talent_id", "other_key": "job_id",
    "list_sql": JOBS_FOR_TALENT_SQL, "in_run_sql": TALENT_IN_RUN_SQL,
    "embedding_sql": TALENT_EMBEDDING_SQL, "other_id_column": "job_posting_id",
}
_JOB = {
    "entity": "job", "id_key": "job_id", "other_key": "talent_id",
    "list_sql": TALENTS_FOR_JOB_SQL, "in_run_sql": JOB_IN_RUN_SQL,
    "embedding_sql": JOB_EMBEDDING_SQL, "other_id_column": "talent_user_id",
}


# --------------------------------------------------------------------------------------
# Scores and vectors
# --------------------------------------------------------------------------------------

def _round2(value: float) -> float:
    # Half away from zero, like fitmatch's DECIMAL(5,2) values, so /score and the
    # live path agree with the published numbers.
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _float_or_none(value: Any) -> Optional[float]:
    return float(value) if value is not None else None


def _int_or_none(value: Any) -> Optional[int]:
    return int(value) if value is not None else None


def _format_weights(weights: Dict[str, float]) -> Dict[str, float]:
    return {f: _round2(weights[f]) for f in FACETS}


def _unpack_vectors(facet_dims: str, blob: bytes) -> Optional[Dict[str, array]]:
    """talent_embeddings/job_embeddings.vectors -> {facet: float32 array}, None if corrupt."""
    try:
        dims = [int(d) for d in facet_dims.split(",")]
    except ValueError:
        return None
    if len(dims) != len(FACETS) or sum(dims) * 4 != len(blob):
        return None
    vectors: Dict[str, array] = {}
    offset = 0
    for facet, dim in zip(FACETS, dims):
        if dim > 0:
            values = array("f")
            values.frombytes(blob[offset:offset + dim * 4])
            if sys.byteorder == "big":  # stored little-endian
                values.byteswap()
            vectors[facet] = values
            offset += dim * 4
    return vectors or None


def _score_pair(a: Dict[str, array], b: Dict[str, array], weights: Dict[str, float]
                ) -> Tuple[Optional[float], Dict[str, float]]:
    """The app's formula: (overall score_100 or None, {shared facet: score_100})."""
    cosines: Dict[str, float] = {}
    for facet in FACETS:
        u, v = a.get(facet), b.get(facet)
        if u is not None and v is not None and len(u) == len(v):
            # Stored vectors are unit length: the dot product is the cosine.
            cosines[facet] = max(-1.0, min(1.0, sum(map(operator.mul, u, v))))
    weight_sum = sum(weights[f] for f in cosines if weights[f] > 0)
    overall = None
    if weight_sum > 0:
        mean = sum(weights[f] * c for f, c in cosines.items() if weights[f] > 0) / weight_sum
        overall = (max(-1.0, min(1.0, mean)) + 1.0) * 50.0
    return overall, {f: (c + 1.0) * 50.0 for f, c in cosines.items()}


def _same_weights(a: Dict[str, float], b: Dict[str, float]) -> bool:
    # Proportional weights give identical scores (the formula divides by their sum).
    sa, sb = sum(a.values()), sum(b.values())
    if sa <= 0 or sb <= 0:
        return sa == sb
    return all(abs(a[f] / sa - b[f] / sb) <= 1e-9 for f in FACETS)


# --------------------------------------------------------------------------------------
# Request parsing (shared by the endpoints)
# --------------------------------------------------------------------------------------

def _requested_weights(
    w_roles: Optional[float] = Query(None, alias="weights.roles"),
    w_skills: Optional[float] = Query(None, alias="weights.skills"),
    w_growth: Optional[float] = Query(None, alias="weights.growth"),
    w_career: Optional[float] = Query(None, alias="weights.career"),
    w_vision: Optional[float] = Query(None, alias="weights.vision"),
    w_culture: Optional[float] = Query(None, alias="weights.culture"),
    # The app's WeightParams model (aliases "weights.x" are not identifiers) was exposed
    # by FastAPI under the bare field names; accept those too so no client breaks.
    roles: Optional[float] = Query(None, include_in_schema=False),
    skills: Optional[float] = Query(None, include_in_schema=False),
    growth: Optional[float] = Query(None, include_in_schema=False),
    career: Optional[float] = Query(None, include_in_schema=False),
    vision: Optional[float] = Query(None, include_in_schema=False),
    culture: Optional[float] = Query(None, include_in_schema=False),
) -> Optional[Dict[str, float]]:
    """The weights the request asks for (the app's rules), or None when it names none."""
    given = {
        "roles": w_roles if w_roles is not None else roles,
        "skills": w_skills if w_skills is not None else skills,
        "growth": w_growth if w_growth is not None else growth,
        "career": w_career if w_career is not None else career,
        "vision": w_vision if w_vision is not None else vision,
        "culture": w_culture if w_culture is not None else culture,
    }
    if all(v is None for v in given.values()):
        return None
    weights = {}
    for facet, value in given.items():
        if value is not None and not math.isfinite(value):
            raise HTTPException(422, detail={"code": "INVALID_WEIGHTS",
                                             "message": f"weights.{facet} must be finite"})
        weights[facet] = 1.0 if value is None else (float(value) if value > 0 else 0.0)
    if all(w == 0.0 for w in weights.values()):
        weights = dict(DEFAULT_WEIGHTS)
    return weights


def _parse_filters(raw: Optional[str]) -> Dict[str, Any]:
    # Validated like the app did; the published lists cannot be filtered, and the
    # app never applied them either.
    if raw is None:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise HTTPException(422, detail={"code": "INVALID_FILTERS",
                                         "message": "filters must be valid JSON"})
    if not isinstance(parsed, dict):
        raise HTTPException(422, detail={"code": "INVALID_FILTERS",
                                         "message": "filters must be a JSON object"})
    return parsed


def _embedding_not_found(entity: str, entity_id: int) -> HTTPException:
    return HTTPException(404, detail={"code": "EMBEDDING_NOT_FOUND",
                                      "message": _no_embedding_message(entity, entity_id)})


def _no_embedding_message(entity: str, entity_id: int) -> str:
    return f"Embedding data not found for {entity} {entity_id}"


def _reason(code: str, message: str) -> Dict[str, str]:
    return {"code": code, "message": message}


# --------------------------------------------------------------------------------------
# The router
# --------------------------------------------------------------------------------------

def build_router(
    get_db: Callable[..., Any],
    get_current_user: Callable[..., Any],
    *,
    is_enabled: Callable[[], bool] = lambda: True,
    stale_after: timedelta = timedelta(hours=36),
    live_fallback: bool = False,
    live_max_candidates: int = 5000,
    job_statuses: Sequence[str] = ("PUBLISHED",),
    deadline_utc_offset: timedelta = timedelta(hours=9),
) -> APIRouter:
    """Both endpoint families (/api/match/*, /api/matching-results/*) on one router.

    get_db / get_current_user: the app's dependencies (a sync SQLAlchemy Session; any user).
    is_enabled: read per request; False -> /api/match/* answer 503 MATCHING_DISABLED.
    stale_after: published results older than this are served with meta.degraded.
    live_fallback: compute /api/match lists from the embeddings when the published run
        cannot answer (other weights, nothing published), for at most
        live_max_candidates candidates; otherwise answer from the run and say so.
    job_statuses, deadline_utc_offset: which postings the live path considers open
        (fitmatch's defaults: PUBLISHED, deadline >= today in KST).
    """
    router = APIRouter()

    def check_enabled() -> None:
        if not is_enabled():
            raise HTTPException(503, detail={"code": "MATCHING_DISABLED",
                                             "message": "Matching service is disabled"})

    # ---- published state -------------------------------------------------------------

    def published_of(row: Optional[Any]) -> Optional[Dict[str, Any]]:
        if row is None:
            return None
        return {
            "run_id": int(row["run_id"]),
            "published_at": row["published_at"],
            "top_k": int(row["top_k"]),
            "weights": {f: float(row["weight_" + f]) for f in FACETS},
            "age_seconds": float(row["age_seconds"]),
        }

    def read_published(db: Any) -> Optional[Dict[str, Any]]:
        return published_of(db.execute(text(PUBLISHED_SQL)).mappings().first())

    def run_meta(published: Optional[Dict[str, Any]], reasons: List[Dict[str, str]],
                 source: str = "published", **extra: Any) -> Dict[str, Any]:
        if published is None:
            run = {"run_id": None, "published_at": None, "age_seconds": None, "stored_top_k": None}
        else:
            run = {
                "run_id": published["run_id"],
                "published_at": published["published_at"].isoformat(timespec="milliseconds"),
                "age_seconds": round(published["age_seconds"], 3),
                "stored_top_k": published["top_k"],
            }
        return {"degraded": bool(reasons), "reasons": reasons, "source": source, **run, **extra}

    def run_reasons(published: Optional[Dict[str, Any]]) -> List[Dict[str, str]]:
        """Reasons that hold for any answer from this published run."""
        if published is None:
            return [_reason("NOTHING_PUBLISHED", "fitmatch has not published any results yet "
                                                 "(match_published is empty)")]
        reasons = []
        age = published["age_seconds"]
        if age > stale_after.total_seconds():
            reasons.append(_reason(
                "STALE_RESULTS",
                f"results of run #{published['run_id']} are {age / 3600:.1f} h old "
                f"(served anyway; limit {stale_after.total_seconds() / 3600:g} h)"))
        elif age < -300:
            # published_at ahead of the database's UTC clock: it was not written in UTC,
            # so staleness cannot be judged.
            reasons.append(_reason(
                "PUBLISHED_AT_IN_FUTURE",
                f"published_at of run #{published['run_id']} is {-age / 3600:.1f} h ahead of UTC"))
        return reasons

    def absent_reason(db: Any, side: Dict[str, Any], subject_id: int,
                      published: Optional[Dict[str, Any]]) -> Optional[Dict[str, str]]:
        """Why a subject's list is empty: None if it has no embedding (caller decides)."""
        emb = db.execute(text(side["embedding_sql"]), {"id": subject_id}).mappings().first()
        if emb is None:
            return None
        if published is None:
            return _reason("NOTHING_PUBLISHED", "fitmatch has not published any results yet")
        run = published["run_id"]
        if emb["created_at"] > published["published_at"]:
            why = f"its embedding was created after run #{run} was published (new since then)"
        else:
            why = (f"it was not eligible in run #{run} (deleted, no profile, posting not open) "
                   f"or shared no weighted facet with any candidate")
        return _reason("NOT_IN_PUBLISHED_RUN",
                       f"{side['entity']} {subject_id} is not in the published run #{run}: {why}")

    def in_run(db: Any, side: Dict[str, Any], subject_id: int) -> bool:
        return db.execute(text(side["in_run_sql"]), {"subject_id": subject_id}).first() is not None

    def beyond_stored_k(published: Optional[Dict[str, Any]], requested: int, available: int
                        ) -> Optional[Dict[str, str]]:
        # A list shorter than k is complete (every scoreable candidate is in it); a full
        # one may continue past what was stored.
        if published is None or requested <= published["top_k"] or available < published["top_k"]:
            return None
        return _reason("BEYOND_STORED_K",
                       f"asked for {requested} results but run #{published['run_id']} stored "
                       f"only the top {published['top_k']} per subject; returned what exists")

    # ---- /api/match lists --------------------------------------------------------------

    def match_item(row: Any, side: Dict[str, Any], rank: int) -> Dict[str, Any]:
        return {
            side["other_key"]: int(row[side["other_id_column"]]),
            "overall": {"score_100": float(row["total_score"])},
            "facets": {f: {"score_100": float(row["score_" + f])}
                       for f in FACETS if row["score_" + f] is not None},
            "rank": rank,
        }

    def live_list(db: Any, side: Dict[str, Any], subject_id: int, weights: Dict[str, float]
                  ) -> Optional[List[Tuple[int, float, Dict[str, float]]]]:
        """Every scoreable candidate, best first; None when there are too many to score here."""
        emb = db.execute(text(side["embedding_sql"]), {"id": subject_id}).mappings().first()
        subject = _unpack_vectors(emb["facet_dims"], emb["vectors"]) if emb is not None else None
        if subject is None:
            raise _embedding_not_found(side["entity"], subject_id)
        if side is _TALENT:
            today = (datetime.now(timezone.utc) + deadline_utc_offset).date()
            params = {"statuses": list(job_statuses), "today": today}
            count_sql, load_sql = LIVE_JOBS_COUNT_SQL, LIVE_JOBS_SQL
        else:
            params = {}
            count_sql, load_sql = LIVE_TALENTS_COUNT_SQL, LIVE_TALENTS_SQL
        count_stmt, load_stmt = text(count_sql), text(load_sql)
        if params:
            count_stmt = count_stmt.bindparams(bindparam("statuses", expanding=True))
            load_stmt = load_stmt.bindparams(bindparam("statuses", expanding=True))
        if db.execute(count_stmt, params).scalar() > live_max_candidates:
            return None
        scored = []
        for row in db.execute(load_stmt, params).mappings():
            candidate = _unpack_vectors(row["facet_dims"], row["vectors"])
            if candidate is None:
                continue
            overall, facets = _score_pair(subject, candidate, weights)
            if overall is not None:
                scored.append((int(row["id"]), overall, facets))
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored

    def live_item(item: Tuple[int, float, Dict[str, float]], side: Dict[str, Any], rank: int
                  ) -> Dict[str, Any]:
        other_id, overall, facets = item
        return {
            side["other_key"]: other_id,
            "overall": {"score_100": _round2(overall)},
            "facets": {f: {"score_100": _round2(s)} for f, s in facets.items()},
            "rank": rank,
        }

    def match_list(db: Any, side: Dict[str, Any], subject_id: int,
                   requested: Optional[Dict[str, float]], offset: int, limit: int, with_total: bool
                   ) -> Dict[str, Any]:
        # /all needs the total, so it reads the subject's whole stored list (<= top_k rows).
        rows = db.execute(text(side["list_sql"]), {
            "subject_id": subject_id, "min_score": 0,
            "limit": _ALL_ROWS if with_total else limit, "offset": 0,
        }).mappings().all()
        published = published_of(rows[0]) if rows else read_published(db)

        def envelope(weights: Dict[str, float], results: List[Dict[str, Any]], total: int,
                     meta: Dict[str, Any]) -> Dict[str, Any]:
            data: Dict[str, Any] = {side["id_key"]: subject_id}
            if with_total:
                data.update(total=total, limit=limit, offset=offset)
            data.update(weights=_format_weights(weights), results=results)
            return {"ok": True, "data": data, "meta": meta}

        reasons: List[Dict[str, str]] = []
        live_why = None
        if published is None:
            live_why = "NOTHING_PUBLISHED"
        elif requested is not None and not _same_weights(requested, published["weights"]):
            live_why = "WEIGHTS_NOT_PUBLISHED"

        if live_why and live_fallback:
            weights = requested or DEFAULT_WEIGHTS
            scored = live_list(db, side, subject_id, weights)
            if scored is not None:
                page = scored[offset:offset + limit]
                results = [live_item(s, side, offset + i + 1) for i, s in enumerate(page)]
                meta = run_meta(published, [], source="live", live_reason=live_why,
                                live_candidates_scored=len(scored))
                return envelope(weights, results, len(scored), meta)
            reasons.append(_reason("LIVE_TOO_MANY_CANDIDATES",
                                   f"live scoring is limited to {live_max_candidates} candidates"))

        extra: Dict[str, Any] = {}
        if published is None:
            weights = requested or DEFAULT_WEIGHTS
        elif live_why == "WEIGHTS_NOT_PUBLISHED":
            weights = published["weights"]
            extra["requested_weights"] = _format_weights(requested or DEFAULT_WEIGHTS)
            reasons.append(_reason(
                "WEIGHTS_NOT_PUBLISHED",
                f"answered with the weights of run #{published['run_id']}, not the requested ones"))
        else:
            weights = requested or published["weights"]

        reasons.extend(run_reasons(published))
        if not rows:
            why = absent_reason(db, side, subject_id, published)
            if why is None:
                raise _embedding_not_found(side["entity"], subject_id)
            if published is not None:
                reasons.append(why)

        page = rows[offset:offset + limit] if with_total else rows
        results = [match_item(r, side, offset + i + 1) for i, r in enumerate(page)]
        truncated = beyond_stored_k(published, offset + limit, len(rows))
        if truncated:
            reasons.append(truncated)
        return envelope(weights, results, len(rows), run_meta(published, reasons, **extra))

    # Each endpoint keeps the app's parameter names, defaults and bounds.

    @router.get("/api/match/talent/{talent_id}", tags=["match"])
    def match_talent_topk(
        talent_id: int,
        top_k: int = Query(20, ge=1, le=500),
        weights: Optional[Dict[str, float]] = Depends(_requested_weights),
        filters: Optional[str] = Query(None),
        debug: bool = Query(False, alias="_debug"),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        check_enabled()
        _parse_filters(filters)
        return match_list(db, _TALENT, talent_id, weights, 0, top_k, with_total=False)

    @router.get("/api/match/talent/{talent_id}/all", tags=["match"])
    def match_talent_all(
        talent_id: int,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        weights: Optional[Dict[str, float]] = Depends(_requested_weights),
        filters: Optional[str] = Query(None),
        debug: bool = Query(False, alias="_debug"),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        check_enabled()
        _parse_filters(filters)
        return match_list(db, _TALENT, talent_id, weights, offset, limit, with_total=True)

    @router.get("/api/match/job/{job_id}", tags=["match"])
    def match_job_topk(
        job_id: int,
        top_k: int = Query(20, ge=1, le=500),
        weights: Optional[Dict[str, float]] = Depends(_requested_weights),
        filters: Optional[str] = Query(None),
        debug: bool = Query(False, alias="_debug"),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        check_enabled()
        _parse_filters(filters)
        return match_list(db, _JOB, job_id, weights, 0, top_k, with_total=False)

    @router.get("/api/match/job/{job_id}/all", tags=["match"])
    def match_job_all(
        job_id: int,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        weights: Optional[Dict[str, float]] = Depends(_requested_weights),
        filters: Optional[str] = Query(None),
        debug: bool = Query(False, alias="_debug"),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        check_enabled()
        _parse_filters(filters)
        return match_list(db, _JOB, job_id, weights, offset, limit, with_total=True)

    @router.get("/api/match/score", tags=["match"])
    def score_pair(
        talent_id: int = Query(...),
        job_id: int = Query(...),
        weights: Optional[Dict[str, float]] = Depends(_requested_weights),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        check_enabled()
        vectors = {}
        for side, subject_id in ((_TALENT, talent_id), (_JOB, job_id)):
            emb = db.execute(text(side["embedding_sql"]), {"id": subject_id}).mappings().first()
            if emb is not None:
                vectors[side["entity"]] = _unpack_vectors(emb["facet_dims"], emb["vectors"])
            if vectors.get(side["entity"]) is None:
                raise _embedding_not_found(side["entity"], subject_id)
        published = read_published(db)
        # Without explicit weights, the published run's: /score then agrees with the lists.
        if weights is None:
            weights = published["weights"] if published else DEFAULT_WEIGHTS
        overall, facets = _score_pair(vectors["talent"], vectors["job"], weights)
        data = {
            "talent_id": talent_id,
            "job_id": job_id,
            "weights": _format_weights(weights),
            # None: the pair shares no facet with weight > 0, so it has no score.
            "overall": {"score_100": _round2(overall) if overall is not None else None},
            "facets": {f: {"score_100": _round2(s)} for f, s in facets.items()},
        }
        return {"ok": True, "data": data, "meta": run_meta(published, [], source="embeddings")}

    # ---- /api/matching-results ---------------------------------------------------------

    def scores_of(row: Any) -> Dict[str, Optional[float]]:
        return {f: _float_or_none(row["score_" + f]) for f in FACETS}

    def results_list(db: Any, sql: str, subject_id: int, min_score: float,
                     limit: Optional[int], offset: int, side: Optional[Dict[str, Any]]
                     ) -> Tuple[List[Any], Dict[str, Any]]:
        # Without a limit the default follows what the published run stored (its top_k),
        # so a default request is never degraded by BEYOND_STORED_K. The run's top_k comes
        # with the rows (one statement): read up to the endpoint's maximum, then cut.
        rows = db.execute(text(sql), {"subject_id": subject_id, "min_score": min_score,
                                      "limit": limit or _MAX_RESULTS_LIMIT,
                                      "offset": offset}).mappings().all()
        published = published_of(rows[0]) if rows else read_published(db)
        if limit is None:
            limit = published["top_k"] if published else _DEFAULT_RESULTS_LIMIT
            rows = rows[:limit]
        reasons = run_reasons(published)
        # The app answered these with an empty list (never 404); keep that, and say why.
        if not rows and published is not None and offset == 0:
            if side is None:
                if db.execute(text(COMPANY_SQL), {"subject_id": subject_id}).first() is None:
                    reasons.append(_reason("COMPANY_NOT_FOUND",
                                           f"no company is owned by user {subject_id}"))
            elif not in_run(db, side, subject_id):
                why = absent_reason(db, side, subject_id, published)
                reasons.append(why or _reason("EMBEDDING_NOT_FOUND",
                                              _no_embedding_message(side["entity"], subject_id)))
        if side is not None:
            truncated = beyond_stored_k(published, offset + limit, offset + len(rows))
            if truncated:
                reasons.append(truncated)
        return rows, run_meta(published, reasons)

    @router.get("/api/matching-results/talents/{user_id}/job-postings", tags=["matching_results"])
    def get_talent_matches(
        user_id: int,
        min_score: float = Query(0.0, ge=0.0, le=100.0),
        limit: Optional[int] = Query(None, ge=1, le=500),
        offset: int = Query(0, ge=0),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        rows, meta = results_list(db, JOBS_FOR_TALENT_SQL, user_id, min_score, limit, offset, _TALENT)
        matches = [{
            "job_posting_id": int(r["job_posting_id"]),
            "company_user_id": _int_or_none(r["company_user_id"]),
            "total_score": float(r["total_score"]),
            "scores": scores_of(r),
            "calculated_at": r["computed_at"].isoformat(),
        } for r in rows]
        data = {"talent_user_id": user_id, "total_matches": len(matches), "matches": matches}
        return {"ok": True, "data": data, "meta": meta}

    @router.get("/api/matching-results/job-postings/{job_posting_id}/talents",
                tags=["matching_results"])
    def get_job_posting_matches(
        job_posting_id: int,
        min_score: float = Query(0.0, ge=0.0, le=100.0),
        limit: Optional[int] = Query(None, ge=1, le=500),
        offset: int = Query(0, ge=0),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        rows, meta = results_list(db, TALENTS_FOR_JOB_SQL, job_posting_id, min_score, limit, offset, _JOB)
        matches = [{
            "talent_user_id": int(r["talent_user_id"]),
            "total_score": float(r["total_score"]),
            "scores": scores_of(r),
            "calculated_at": r["computed_at"].isoformat(),
        } for r in rows]
        data = {"job_posting_id": job_posting_id, "total_matches": len(matches), "matches": matches}
        return {"ok": True, "data": data, "meta": meta}

    @router.get("/api/matching-results/companies/{company_user_id}/talents",
                tags=["matching_results"])
    def get_company_matches(
        company_user_id: int,
        min_score: float = Query(0.0, ge=0.0, le=100.0),
        limit: Optional[int] = Query(None, ge=1, le=500),
        offset: int = Query(0, ge=0),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        rows, meta = results_list(db, TALENTS_FOR_COMPANY_SQL, company_user_id, min_score, limit,
                                  offset, None)
        matches = [{
            "talent_user_id": int(r["talent_user_id"]),
            "job_posting_id": int(r["job_posting_id"]),
            "total_score": float(r["total_score"]),
            "scores": scores_of(r),
            "calculated_at": r["computed_at"].isoformat(),
        } for r in rows]
        data = {"company_user_id": company_user_id, "total_matches": len(matches),
                "matches": matches}
        return {"ok": True, "data": data, "meta": meta}

    return router
