"""Request parameters the endpoints share: the app's names, defaults and bounds."""

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from fastapi import Query

from .envelope import ApiError
from .scoring import effective_weights, weight_problem

MAX_LIST = 500


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int
    # /all answers carry total, limit and offset; top-k answers do not.
    with_total: bool


def top_k_page(top_k: int = Query(20, ge=1, le=MAX_LIST)) -> Page:
    return Page(offset=0, limit=top_k, with_total=False)


def all_page(limit: int = Query(50, ge=1, le=MAX_LIST), offset: int = Query(0, ge=0)) -> Page:
    return Page(offset=offset, limit=limit, with_total=True)


@dataclass(frozen=True)
class ResultsQuery:
    min_score: float
    # None: the published run's top_k (or the app's old default when nothing is published).
    limit: Optional[int]
    offset: int


def results_query(
    min_score: float = Query(0.0, ge=0.0, le=100.0),
    limit: Optional[int] = Query(None, ge=1, le=MAX_LIST),
    offset: int = Query(0, ge=0),
) -> ResultsQuery:
    return ResultsQuery(min_score=min_score, limit=limit, offset=offset)


def requested_weights(
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
    problems = [p for p in (weight_problem(f, v) for f, v in given.items() if v is not None) if p]
    if problems:
        raise ApiError(422, "INVALID_WEIGHTS", "; ".join(problems))
    return effective_weights(given)


def raw_filters(
    filters: Optional[str] = Query(None),
    debug: bool = Query(False, alias="_debug"),
) -> Optional[str]:
    """The app's `filters` and `_debug`, taken as it took them (both are then ignored).

    A dependency, not endpoint parameters, so the parameters keep the app's order: paging,
    filters, _debug, weights. `filters` is checked by parse_filters in the endpoint, after
    the MATCHING_ENABLED switch, as the app did."""
    return filters


def parse_filters(raw: Optional[str]) -> Dict[str, Any]:
    # Validated like the app did; the published lists cannot be filtered, and the
    # app never applied them either.
    if raw is None:
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise ApiError(422, "INVALID_FILTERS", "filters must be valid JSON")
    if not isinstance(parsed, dict):
        raise ApiError(422, "INVALID_FILTERS", "filters must be a JSON object")
    return parsed

