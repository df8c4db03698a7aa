"""Every route, a bad input of each kind: each answer is the app's error envelope
{"ok": false, "error": {"code", "message"}} with its HTTP status, never FastAPI's {"detail": ...}
and never a bare 500."""

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

import fitmatch_router
from conftest import FACETS, make_client, session_dependency

T, J = 33, 1                 # a talent and a posting in the published run
NO_EMBEDDING = {"talent": 27, "job": 999999}
DEAD_PORT = 1                # nothing listens there: connecting is refused at once


@dataclass
class Route:
    template: str
    path: Dict[str, Any]
    query: Dict[str, Any]
    out_of_range: Dict[str, Any]      # a bounded parameter past its bound (or a required one missing: None)
    wrong_type: Dict[str, Any]
    subject: Optional[str] = None      # /api/match/*: whose missing embedding is a 404
    weights: bool = False
    filters: bool = False
    switch: bool = False               # behind MATCHING_ENABLED
    extra: Dict[str, Any] = field(default_factory=dict)

    def url(self, path: Optional[Dict[str, Any]] = None) -> str:
        return self.template.format(**{**self.path, **(path or {})})


ROUTES = [
    Route("/api/match/talent/{talent_id}", {"talent_id": T}, {}, {"top_k": 501}, {"top_k": "x"},
          subject="talent", weights=True, filters=True, switch=True),
    Route("/api/match/talent/{talent_id}/all", {"talent_id": T}, {}, {"offset": -1}, {"limit": "x"},
          subject="talent", weights=True, filters=True, switch=True),
    Route("/api/match/job/{job_id}", {"job_id": J}, {}, {"top_k": 0}, {"top_k": "1.5"},
          subject="job", weights=True, filters=True, switch=True),
    Route("/api/match/job/{job_id}/all", {"job_id": J}, {}, {"limit": 501}, {"offset": "first"},
          subject="job", weights=True, filters=True, switch=True),
    Route("/api/match/score", {}, {"talent_id": T, "job_id": J}, {"job_id": None}, {"job_id": "1.5"},
          subject="talent", weights=True, switch=True),
    Route("/api/matching-results/talents/{user_id}/job-postings", {"user_id": T}, {},
          {"min_score": 101}, {"limit": "ten"}),
    Route("/api/matching-results/job-postings/{job_posting_id}/talents", {"job_posting_id": J}, {},
          {"limit": 0}, {"min_score": "high"}),
    Route("/api/matching-results/companies/{company_user_id}/talents", {"company_user_id": 5}, {},
          {"offset": -1}, {"offset": "x"}),
]


def query(route: Route, changes: Dict[str, Any]) -> Dict[str, Any]:
    merged = {**route.query, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def cases(route: Route, clients: Dict[str, TestClient]):
    """(kind, client, url, params, status, code) for every bad input this route can get."""
    ok_url = route.url()
    if route.path:
        key = next(iter(route.path))
        yield "id not an integer", clients["ok"], route.url({key: "abc"}), route.query, 422, "INVALID_PARAMETER"
    else:
        yield "id not an integer", clients["ok"], ok_url, query(route, {"talent_id": "abc"}), 422, "INVALID_PARAMETER"
    yield "parameter out of range or missing", clients["ok"], ok_url, query(route, route.out_of_range), 422, "INVALID_PARAMETER"
    yield "parameter of the wrong type", clients["ok"], ok_url, query(route, route.wrong_type), 422, "INVALID_PARAMETER"
    if route.weights:
        yield "weight not a number", clients["ok"], ok_url, query(route, {"weights.roles": "heavy"}), 422, "INVALID_WEIGHTS"
        yield "weight not finite", clients["ok"], ok_url, query(route, {"weights.skills": "inf"}), 422, "INVALID_WEIGHTS"
        yield "weight too large", clients["ok"], ok_url, query(route, {"weights.career": "1e27"}), 422, "INVALID_WEIGHTS"
        yield "bare weight too large", clients["ok"], ok_url, query(route, {"culture": "1e308"}), 422, "INVALID_WEIGHTS"
        yield "weight too small", clients["ok"], ok_url, query(route, {"weights.vision": "1e-9"}), 422, "INVALID_WEIGHTS"
    if route.filters:
        yield "filters not JSON", clients["ok"], ok_url, query(route, {"filters": "{oops"}), 422, "INVALID_FILTERS"
        yield "filters not an object", clients["ok"], ok_url, query(route, {"filters": "[1]"}), 422, "INVALID_FILTERS"
        yield "filters nested too deep", clients["ok"], ok_url, query(route, {"filters": "[" * 100_000}), 422, "INVALID_FILTERS"
    if route.subject:
        missing = NO_EMBEDDING[route.subject]
        if route.path:
            yield "no embedding", clients["ok"], route.url({next(iter(route.path)): missing}), route.query, 404, "EMBEDDING_NOT_FOUND"
        else:
            yield "no embedding", clients["ok"], ok_url, query(route, {"talent_id": missing}), 404, "EMBEDDING_NOT_FOUND"
            yield "no embedding (job)", clients["ok"], ok_url, query(route, {"job_id": NO_EMBEDDING["job"]}), 404, "EMBEDDING_NOT_FOUND"
    if route.switch:
        yield "matching disabled", clients["disabled"], ok_url, route.query, 503, "MATCHING_DISABLED"
    yield "not authenticated", clients["anonymous"], ok_url, route.query, 401, "UNAUTHORIZED"
    yield "database unreachable", clients["db_down"], ok_url, route.query, 503, "DATABASE_UNAVAILABLE"
    yield "the app's dependency fails", clients["broken_user"], ok_url, route.query, 500, "INTERNAL_ERROR"


@pytest.fixture(scope="module")
def clients(session_factory):
    dead = create_engine(f"mysql+pymysql://root@127.0.0.1:{DEAD_PORT}/fitconnect?connect_timeout=2", future=True)

    def broken_user():
        raise RuntimeError("the user service is down")

    live_db = session_dependency(session_factory)
    app = FastAPI()
    app.include_router(fitmatch_router.build_router(live_db, broken_user))
    ok_client = make_client(live_db)
    yield {
        "ok": ok_client,
        "disabled": make_client(live_db, is_enabled=lambda: False),
        "anonymous": TestClient(ok_client.app),
        "db_down": make_client(session_dependency(sessionmaker(bind=dead, future=True))),
        "broken_user": TestClient(app),
    }
    dead.dispose()


def test_every_route_answers_every_kind_of_bad_input_in_the_envelope(clients, caplog):
    spec = clients["ok"].get("/openapi.json").json()
    assert set(spec["paths"]) == {r.template for r in ROUTES}  # a new route must join the walk

    caplog.set_level(logging.ERROR, logger="fitmatch_router")
    walked, wrong = [], []
    for route in ROUTES:
        for kind, client, url, params, status, code in cases(route, clients):
            resp = client.get(url, params=params)
            body = resp.json()
            shape_ok = (
                resp.headers["content-type"] == "application/json"
                and body.keys() == {"ok", "error"} and body["ok"] is False
                and body["error"].keys() == {"code", "message"}
                and isinstance(body["error"]["message"], str) and body["error"]["message"]
            )
            if not (shape_ok and resp.status_code == status and body["error"]["code"] == code):
                wrong.append((route.template, kind, params, resp.status_code, body))
            walked.append((route.template, kind))
    assert wrong == []

    # Every route got the kinds that apply to it: 16 on /api/match lists, 14 on /score, 6 on the others.
    per_route = {t: sum(1 for r, _ in walked if r == t) for t in {r.template for r in ROUTES}}
    assert per_route == {r.template: 6 + 5 * r.weights + 3 * r.filters + bool(r.subject) + (not r.path) + r.switch
                         for r in ROUTES}
    # Failures of the database or the app's code are logged with their cause, not sent to the client.
    logged = [r for r in caplog.records if r.name == "fitmatch_router"]
    assert len(logged) == 2 * len(ROUTES)
    assert all(r.exc_info for r in logged)


def test_server_details_stay_in_the_log(clients):
    body = clients["db_down"].get(f"/api/match/talent/{T}").json()
    assert body == {"ok": False, "error": {"code": "DATABASE_UNAVAILABLE",
                                           "message": "The matching database could not be reached; try again later"}}
    body = clients["broken_user"].get(f"/api/match/talent/{T}").json()
    assert "user service" not in body["error"]["message"]


def test_validation_messages_name_every_bad_parameter(clients):
    error = clients["ok"].get(f"/api/match/talent/{T}/all", params={"limit": 0, "offset": -1}).json()["error"]
    assert error["code"] == "INVALID_PARAMETER"
    assert error["message"].startswith("query parameter limit: ") and "; query parameter offset: " in error["message"]
    # Weights alone: INVALID_WEIGHTS, every facet named.
    error = clients["ok"].get("/api/match/score", params={"talent_id": T, "job_id": J,
                                                           "weights.roles": "inf", "weights.growth": "2e6"}).json()["error"]
    assert error == {"code": "INVALID_WEIGHTS", "message":
                     "weights.roles must be finite; weights.growth must be between 0.000001 and 1000000 "
                     "(0 or less turns the facet off), got 2e+06"}


@pytest.mark.parametrize("value", ["1e27", "1e30", "1e100", "1e308", "1000000.5"])
def test_large_finite_weights_are_refused_like_the_cli(clients, value):
    for url, params in ((f"/api/match/talent/{T}", {}), ("/api/match/score", {"talent_id": T, "job_id": J})):
        resp = clients["ok"].get(url, params={**params, "weights.roles": value})
        assert resp.status_code == 422, (url, value)
        assert resp.json()["error"]["code"] == "INVALID_WEIGHTS"
        assert resp.json()["error"]["message"].startswith("weights.roles must be between 0.000001 and 1000000")


def test_weights_at_the_cli_bounds_and_off_are_accepted(clients):
    bounds = {"weights.roles": "1000000", "weights.skills": "0.000001", "weights.growth": "0",
              "weights.career": "-5", "weights.vision": "1", "weights.culture": "1"}
    body = clients["ok"].get("/api/match/score", params={"talent_id": T, "job_id": J, **bounds}).json()
    assert body["ok"] is True
    # Rounded to 2 decimals in the answer, like every weight; <= 0 is 0 (the facet is off).
    assert body["data"]["weights"] == {"roles": 1000000.0, "skills": 0.0, "growth": 0.0, "career": 0.0,
                                       "vision": 1.0, "culture": 1.0}
    # roles dominates: the total is (nearly) the roles facet's score.
    assert abs(body["data"]["overall"]["score_100"] - body["data"]["facets"]["roles"]["score_100"]) <= 0.01
    body = clients["ok"].get(f"/api/match/talent/{T}", params=bounds).json()
    assert body["ok"] is True and body["meta"]["reasons"][0]["code"] == "WEIGHTS_NOT_PUBLISHED"
    assert set(body["data"]["weights"]) == set(FACETS)


def test_offsets_past_the_servers_integers_read_nothing(clients):
    huge = 10**20
    for url in (f"/api/matching-results/talents/{T}/job-postings", f"/api/matching-results/job-postings/{J}/talents",
                "/api/matching-results/companies/5/talents", f"/api/match/talent/{T}/all"):
        body = clients["ok"].get(url, params={"offset": huge}).json()
        assert body["ok"] is True, (url, body)
        assert body["data"].get("matches", body["data"].get("results")) == []
