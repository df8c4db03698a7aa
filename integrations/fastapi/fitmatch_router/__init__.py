"""FitConnect match endpoints served from fitmatch's published results.

Copy this folder into the app (e.g. app/api/routes/fitmatch_router/) and mount it:

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
`/score` reads the two embedding rows by primary key. Every success is
{"ok": true, "data", "meta"}, `meta` saying where the answer came from and, when it is not
the exact answer to the request, `meta.degraded = true` with `meta.reasons`. Every error is
{"ok": false, "error": {"code", "message"}} with its HTTP status (integrations/fastapi/README.md).

Modules: routes (paths and parameters), answers (what each endpoint answers, `meta`),
queries (every statement), envelope (the app's envelope, errors included), params
(shared parameters), scoring (weights, vectors, the pair formula).

Works with FastAPI 0.92-0.11x, SQLAlchemy 1.4 (2.0-style) and 2.x, Pydantic 1 and 2.
"""

from .routes import build_router
from .scoring import FACETS

__all__ = ["build_router", "FACETS"]
