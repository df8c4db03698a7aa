"""What each endpoint answers: the published lists, the live fallback, /score, and the
`meta` that says where an answer came from and why it is degraded. No FastAPI here."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import queries as q
from .envelope import embedding_not_found, embedding_not_found_message, ok
from .params import MAX_LIST, Page, ResultsQuery
from .queries import Published, Side
from .scoring import DEFAULT_WEIGHTS, FACETS, format_weights, round2, same_weights, score_pair, unpack_vectors

# /api/matching-results/* without a limit and nothing published: the app's old default.
DEFAULT_RESULTS_LIMIT = 100

Reason = Dict[str, str]
Scored = Tuple[int, float, Dict[str, float]]  # (other id, overall score_100, {facet: score_100})


def reason(code: str, message: str) -> Reason:
    return {"code": code, "message": message}


def run_meta(published: Optional[Published], reasons: List[Reason], source: str = "published",
             **extra: Any) -> Dict[str, Any]:
    if published is None:
        run: Dict[str, Any] = {"run_id": None, "published_at": None, "age_seconds": None, "stored_top_k": None}
    else:
        run = {
            "run_id": published.run_id,
            "published_at": published.published_at.isoformat(timespec="milliseconds"),
            "age_seconds": round(published.age_seconds, 3),
            "stored_top_k": published.top_k,
        }
    return {"degraded": bool(reasons), "reasons": reasons, "source": source, **run, **extra}


def absent_reason(db: Any, side: Side, subject_id: int, published: Optional[Published]
                  ) -> Optional[Reason]:
    """Why a subject's list is empty: None if it has no embedding (the caller decides)."""
    emb = q.read_embedding(db, side, subject_id)
    if emb is None:
        return None
    if published is None:
        return reason("NOTHING_PUBLISHED", "fitmatch has not published any results yet")
    run = published.run_id
    if emb["created_at"] > published.published_at:
        why = f"its embedding was created after run #{run} was published (new since then)"
    else:
        why = (f"it was not eligible in run #{run} (deleted, no profile, posting not open) "
               f"or shared no weighted facet with any candidate")
    return reason("NOT_IN_PUBLISHED_RUN", f"{side.entity} {subject_id} is not in the published run #{run}: {why}")


def beyond_stored_k(published: Optional[Published], requested: int, available: int) -> Optional[Reason]:
    # A list shorter than k is complete (every scoreable candidate is in it); a full
    # one may continue past what was stored.
    if published is None or requested <= published.top_k or available < published.top_k:
        return None
    return reason("BEYOND_STORED_K",
                  f"asked for {requested} results but run #{published.run_id} stored "
                  f"only the top {published.top_k} per subject; returned what exists")


def published_item(row: Any, side: Side, rank: int) -> Dict[str, Any]:
    return {
        side.other_key: int(row[side.other_id_column]),
        "overall": {"score_100": float(row["total_score"])},
        "facets": {f: {"score_100": float(row["score_" + f])} for f in FACETS if row["score_" + f] is not None},
        "rank": rank,
    }


def live_item(item: Scored, side: Side, rank: int) -> Dict[str, Any]:
    other_id, overall, facets = item
    return {
        side.other_key: other_id,
        "overall": {"score_100": round2(overall)},
        "facets": {f: {"score_100": round2(s)} for f, s in facets.items()},
        "rank": rank,
    }


def stored_scores(row: Any) -> Dict[str, Optional[float]]:
    return {f: None if row["score_" + f] is None else float(row["score_" + f]) for f in FACETS}


@dataclass(frozen=True)
class Answers:
    """build_router's options, and the answers that depend on them."""

    stale_after: timedelta
    live_fallback: bool
    live_max_candidates: int
    job_statuses: Sequence[str]
    deadline_utc_offset: timedelta

    def run_reasons(self, published: Optional[Published]) -> List[Reason]:
        """Reasons that hold for any answer from this published run."""
        if published is None:
            return [reason("NOTHING_PUBLISHED",
                           "fitmatch has not published any results yet (match_published is empty)")]
        reasons = []
        age = published.age_seconds
        limit = self.stale_after.total_seconds()
        if age > limit:
            reasons.append(reason(
                "STALE_RESULTS",
                f"results of run #{published.run_id} are {age / 3600:.1f} h old "
                f"(served anyway; limit {limit / 3600:g} h)"))
        elif age < -300:
            # published_at ahead of the database's UTC clock: it was not written in UTC,
            # so staleness cannot be judged.
            reasons.append(reason(
                "PUBLISHED_AT_IN_FUTURE",
                f"published_at of run #{published.run_id} is {-age / 3600:.1f} h ahead of UTC"))
        return reasons

    # ---- /api/match/{talent,job}/{id}[/all] -------------------------------------------

    def match_list(self, db: Any, side: Side, subject_id: int,
                   requested: Optional[Dict[str, float]], page: Page) -> Dict[str, Any]:
        # /all needs the total, so it reads the subject's whole stored list (<= top_k rows).
        rows = q.read_list(db, side.list_sql, subject_id, 0, q.ALL_ROWS if page.with_total else page.limit, 0)
        published = q.published_of(rows[0]) if rows else q.read_published(db)

        def answer(weights: Dict[str, float], results: List[Dict[str, Any]], total: int,
                   meta: Dict[str, Any]) -> Dict[str, Any]:
            data: Dict[str, Any] = {side.id_key: subject_id}
            if page.with_total:
                data.update(total=total, limit=page.limit, offset=page.offset)
            data.update(weights=format_weights(weights), results=results)
            return ok(data, meta)

        reasons: List[Reason] = []
        live_why = None
        if published is None:
            live_why = "NOTHING_PUBLISHED"
        elif requested is not None and not same_weights(requested, published.weights):
            live_why = "WEIGHTS_NOT_PUBLISHED"

        if live_why and self.live_fallback:
            weights = requested or DEFAULT_WEIGHTS
            scored = self.live_list(db, side, subject_id, weights)
            if scored is not None:
                window = scored[page.offset:page.offset + page.limit]
                results = [live_item(s, side, page.offset + i + 1) for i, s in enumerate(window)]
                meta = run_meta(published, [], source="live", live_reason=live_why,
                                live_candidates_scored=len(scored))
                return answer(weights, results, len(scored), meta)
            reasons.append(reason("LIVE_TOO_MANY_CANDIDATES",
                                  f"live scoring is limited to {self.live_max_candidates} candidates"))

        extra: Dict[str, Any] = {}
        if published is None:
            weights = requested or DEFAULT_WEIGHTS
        elif live_why == "WEIGHTS_NOT_PUBLISHED":
            weights = published.weights
            extra["requested_weights"] = format_weights(requested or DEFAULT_WEIGHTS)
            reasons.append(reason(
                "WEIGHTS_NOT_PUBLISHED",
                f"answered with the weights of run #{published.run_id}, not the requested ones"))
        else:
            weights = requested or published.weights

        reasons.extend(self.run_reasons(published))
        if not rows:
            why = absent_reason(db, side, subject_id, published)
            if why is None:
                raise embedding_not_found(side.entity, subject_id)
            if published is not None:
                reasons.append(why)

        window = rows[page.offset:page.offset + page.limit] if page.with_total else rows
        results = [published_item(r, side, page.offset + i + 1) for i, r in enumerate(window)]
        truncated = beyond_stored_k(published, page.offset + page.limit, len(rows))
        if truncated:
            reasons.append(truncated)
        return answer(weights, results, len(rows), run_meta(published, reasons, **extra))

    def live_list(self, db: Any, side: Side, subject_id: int, weights: Dict[str, float]
                  ) -> Optional[List[Scored]]:
        """Every scoreable candidate, best first; None when there are too many to score here."""
        emb = q.read_embedding(db, side, subject_id)
        subject = unpack_vectors(emb["facet_dims"], emb["vectors"]) if emb is not None else None
        if subject is None:
            raise embedding_not_found(side.entity, subject_id)
        today = (datetime.now(timezone.utc) + self.deadline_utc_offset).date()
        eligibility = q.Eligibility(job_statuses=self.job_statuses, today=today)
        if q.count_live_candidates(db, side, eligibility) > self.live_max_candidates:
            return None
        scored = []
        for row in q.read_live_candidates(db, side, eligibility):
            candidate = unpack_vectors(row["facet_dims"], row["vectors"])
            if candidate is None:
                continue
            overall, facets = score_pair(subject, candidate, weights)
            if overall is not None:
                scored.append((int(row["id"]), overall, facets))
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored

    # ---- /api/match/score ---------------------------------------------------------------

    def score(self, db: Any, talent_id: int, job_id: int, requested: Optional[Dict[str, float]]
              ) -> Dict[str, Any]:
        vectors = {}
        for side, subject_id in ((q.TALENT, talent_id), (q.JOB, job_id)):
            emb = q.read_embedding(db, side, subject_id)
            unpacked = unpack_vectors(emb["facet_dims"], emb["vectors"]) if emb is not None else None
            if unpacked is None:
                raise embedding_not_found(side.entity, subject_id)
            vectors[side.entity] = unpacked
        published = q.read_published(db)
        # Without explicit weights, the published run's: /score then agrees with the lists.
        weights = requested or (published.weights if published else DEFAULT_WEIGHTS)
        overall, facets = score_pair(vectors["talent"], vectors["job"], weights)
        data = {
            "talent_id": talent_id,
            "job_id": job_id,
            "weights": format_weights(weights),
            # None: the pair shares no facet with weight > 0, so it has no score.
            "overall": {"score_100": round2(overall) if overall is not None else None},
            "facets": {f: {"score_100": round2(s)} for f, s in facets.items()},
        }
        return ok(data, run_meta(published, [], source="embeddings"))

    # ---- /api/matching-results/* --------------------------------------------------------

    def results_rows(self, db: Any, sql: str, subject_id: int, query: ResultsQuery,
                     side: Optional[Side]) -> Tuple[List[Any], Dict[str, Any]]:
        """A matching-results list (side None: a company's merged list) and its meta."""
        # Without a limit the default follows what the published run stored (its top_k),
        # so a default request is never degraded by BEYOND_STORED_K. The run's top_k comes
        # with the rows (one statement): read up to the endpoint's maximum, then cut.
        rows = q.read_list(db, sql, subject_id, query.min_score, query.limit or MAX_LIST, query.offset)
        published = q.published_of(rows[0]) if rows else q.read_published(db)
        limit = query.limit
        if limit is None:
            limit = published.top_k if published else DEFAULT_RESULTS_LIMIT
            rows = rows[:limit]
        reasons = self.run_reasons(published)
        # The app answered these with an empty list (never 404); keep that, and say why.
        if not rows and published is not None and query.offset == 0:
            if side is None:
                if not q.company_exists(db, subject_id):
                    reasons.append(reason("COMPANY_NOT_FOUND", f"no company is owned by user {subject_id}"))
            elif not q.in_run(db, side, subject_id):
                why = absent_reason(db, side, subject_id, published)
                reasons.append(why or reason("EMBEDDING_NOT_FOUND",
                                             embedding_not_found_message(side.entity, subject_id)))
        if side is not None:
            truncated = beyond_stored_k(published, query.offset + limit, query.offset + len(rows))
            if truncated:
                reasons.append(truncated)
        return rows, run_meta(published, reasons)
