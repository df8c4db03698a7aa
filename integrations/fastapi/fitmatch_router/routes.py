"""The endpoints: paths, parameters and the app's dependencies, wired to answers.py.

The four /api/match list endpoints are one endpoint made per (side, paging); the three
/api/matching-results endpoints are one made per list. Each keeps the app's path, parameter
names, defaults, bounds, tag and operation name.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from fastapi import APIRouter, Depends, Path, Query

from . import queries as q
from .answers import Answers, stored_scores
from .envelope import EnvelopeRoute, matching_disabled, ok
from .params import (Page, ResultsQuery, all_page, parse_filters, raw_filters, requested_weights, results_query,
                     top_k_page)
from .queries import Side

Dependency = Callable[..., Any]


@dataclass(frozen=True)
class ResultsList:
    """One /api/matching-results endpoint."""

    name: str
    path: str
    path_key: str                # the path parameter
    data_key: str                # the subject's key in `data`
    sql: str
    side: Optional[Side]         # None: a company's merged list
    id_columns: Tuple[str, ...]  # the ids each match carries, before its scores


RESULT_LISTS = (
    ResultsList("get_talent_matches", "/api/matching-results/talents/{user_id}/job-postings",
                "user_id", "talent_user_id", q.JOBS_FOR_TALENT_SQL, q.TALENT,
                ("job_posting_id", "company_user_id")),
    ResultsList("get_job_posting_matches", "/api/matching-results/job-postings/{job_posting_id}/talents",
                "job_posting_id", "job_posting_id", q.TALENTS_FOR_JOB_SQL, q.JOB, ("talent_user_id",)),
    ResultsList("get_company_matches", "/api/matching-results/companies/{company_user_id}/talents",
                "company_user_id", "company_user_id", q.TALENTS_FOR_COMPANY_SQL, None,
                ("talent_user_id", "job_posting_id")),
)


def build_router(
    get_db: Dependency,
    get_current_user: Dependency,
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
    Every error of every route is the app's envelope (envelope.EnvelopeRoute).
    """
    answers = Answers(stale_after=stale_after, live_fallback=live_fallback,
                      live_max_candidates=live_max_candidates, job_statuses=tuple(job_statuses),
                      deadline_utc_offset=deadline_utc_offset)
    router = APIRouter(route_class=EnvelopeRoute)
    for side in (q.TALENT, q.JOB):
        path = f"/api/match/{side.entity}/{{{side.id_key}}}"
        for suffix, paging, kind in (("", top_k_page, "topk"), ("/all", all_page, "all")):
            router.add_api_route(path + suffix, _match_list(answers, side, paging, is_enabled, get_db, get_current_user),
                                 methods=["GET"], tags=["match"], name=f"match_{side.entity}_{kind}")
    router.add_api_route("/api/match/score", _score(answers, is_enabled, get_db, get_current_user),
                         methods=["GET"], tags=["match"], name="score_pair")
    for results in RESULT_LISTS:
        router.add_api_route(results.path, _results_list(answers, results, get_db, get_current_user),
                             methods=["GET"], tags=["matching_results"], name=results.name)
    return router


def _match_list(answers: Answers, side: Side, paging: Callable[..., Page], is_enabled: Callable[[], bool],
                get_db: Dependency, get_current_user: Dependency) -> Callable[..., Any]:
    def endpoint(
        subject_id: int = Path(..., alias=side.id_key),
        page: Page = Depends(paging),
        filters: Optional[str] = Depends(raw_filters),
        weights: Optional[Dict[str, float]] = Depends(requested_weights),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        if not is_enabled():
            raise matching_disabled()
        parse_filters(filters)
        return answers.match_list(db, side, subject_id, weights, page)

    return endpoint


def _score(answers: Answers, is_enabled: Callable[[], bool], get_db: Dependency,
           get_current_user: Dependency) -> Callable[..., Any]:
    def endpoint(
        talent_id: int = Query(...),
        job_id: int = Query(...),
        weights: Optional[Dict[str, float]] = Depends(requested_weights),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        if not is_enabled():
            raise matching_disabled()
        return answers.score(db, talent_id, job_id, weights)

    return endpoint


def _results_list(answers: Answers, results: ResultsList, get_db: Dependency,
                  get_current_user: Dependency) -> Callable[..., Any]:
    # The app's /api/matching-results routes never had the MATCHING_ENABLED switch.
    def endpoint(
        subject_id: int = Path(..., alias=results.path_key),
        query: ResultsQuery = Depends(results_query),
        user: Any = Depends(get_current_user),
        db: Any = Depends(get_db),
    ):
        rows, meta = answers.results_rows(db, results.sql, subject_id, query, results.side)
        matches = [{
            **{c: None if r[c] is None else int(r[c]) for c in results.id_columns},
            "total_score": float(r["total_score"]),
            "scores": stored_scores(r),
            "calculated_at": r["computed_at"].isoformat(),
        } for r in rows]
        return ok({results.data_key: subject_id, "total_matches": len(matches), "matches": matches}, meta)

    return endpoint
