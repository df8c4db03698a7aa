"""Parameter validation (422), INVALID_FILTERS, INVALID_WEIGHTS, the MATCHING_DISABLED switch (503)
and auth, each answered in the app's envelope (test_errors.py walks every route with each kind)."""

import pytest
from fastapi.testclient import TestClient

from conftest import make_client, session_dependency

T, J = 33, 1  # talent 33 and posting 1 are both in the published run


def error_of(resp, status):
    assert resp.status_code == status
    body = resp.json()
    assert body.keys() == {"ok", "error"} and body["ok"] is False
    assert body["error"].keys() == {"code", "message"}
    return body["error"]


@pytest.mark.parametrize("url, param", [
    (f"/api/match/talent/{T}?top_k=0", "top_k"),
    (f"/api/match/talent/{T}?top_k=501", "top_k"),
    (f"/api/match/job/{J}?top_k=0", "top_k"),
    (f"/api/match/job/{J}?top_k=501", "top_k"),
    (f"/api/match/talent/{T}/all?limit=0", "limit"),
    (f"/api/match/talent/{T}/all?limit=501", "limit"),
    (f"/api/match/job/{J}/all?limit=501", "limit"),
    (f"/api/match/job/{J}/all?offset=-1", "offset"),
    (f"/api/match/talent/{T}?weights.roles=abc", "weights.roles"),
    (f"/api/match/talent/abc", "talent_id"),
    (f"/api/match/score?talent_id={T}", "job_id"),
    (f"/api/matching-results/talents/{T}/job-postings?limit=0", "limit"),
    (f"/api/matching-results/talents/{T}/job-postings?limit=501", "limit"),
    (f"/api/matching-results/talents/{T}/job-postings?min_score=101", "min_score"),
    (f"/api/matching-results/job-postings/{J}/talents?min_score=-1", "min_score"),
    (f"/api/matching-results/job-postings/{J}/talents?limit=501", "limit"),
    (f"/api/matching-results/companies/5/talents?min_score=100.5", "min_score"),
    (f"/api/matching-results/companies/5/talents?limit=0", "limit"),
])
def test_out_of_range_parameters_are_422(client, url, param):
    error = error_of(client.get(url), 422)
    assert error["code"] == ("INVALID_WEIGHTS" if param.startswith("weights.") else "INVALID_PARAMETER")
    # FastAPI's own wording (it differs between Pydantic 1 and 2) after the parameter's place and name.
    where = "path" if param == "talent_id" else "query"
    assert error["message"].startswith(f"{where} parameter {param}: "), error


@pytest.mark.parametrize("url", [
    f"/api/match/talent/{T}?top_k=1", f"/api/match/talent/{T}?top_k=500",
    f"/api/match/job/{J}/all?limit=500&offset=0", f"/api/match/talent/{T}/all?limit=1&offset=10000",
    f"/api/matching-results/talents/{T}/job-postings?limit=500&min_score=100",
    f"/api/matching-results/companies/5/talents?limit=1&min_score=0",
])
def test_boundary_values_are_accepted(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("raw, message", [
    ("{not json", "filters must be valid JSON"),
    ("[1, 2]", "filters must be a JSON object"),
    ('"text"', "filters must be a JSON object"),
])
def test_bad_filters_are_invalid_filters(client, raw, message):
    for url in (f"/api/match/talent/{T}", f"/api/match/talent/{T}/all", f"/api/match/job/{J}", f"/api/match/job/{J}/all"):
        resp = client.get(url, params={"filters": raw})
        assert resp.status_code == 422
        assert resp.json() == {"ok": False, "error": {"code": "INVALID_FILTERS", "message": message}}


def test_a_filters_object_and_debug_are_accepted_and_ignored(client):
    plain = client.get(f"/api/match/talent/{T}").json()
    with_filters = client.get(f"/api/match/talent/{T}", params={"filters": '{"region": "서울"}', "_debug": "true"}).json()
    assert with_filters["data"] == plain["data"]


def test_non_finite_weights_are_invalid(client):
    for value in ("inf", "-inf", "nan", "NaN"):
        for param in ("weights.roles", "culture"):
            for url in (f"/api/match/talent/{T}", f"/api/match/score?talent_id={T}&job_id={J}"):
                resp = client.get(url, params={param: value})
                assert resp.status_code == 422, (url, param, value)
                facet = param.split(".")[-1]
                assert resp.json() == {"ok": False, "error": {"code": "INVALID_WEIGHTS",
                                                              "message": f"weights.{facet} must be finite"}}


def test_disabled_matching_is_503_on_api_match_only(session_factory):
    flags = {"MATCHING_ENABLED": True}
    client = make_client(session_dependency(session_factory), is_enabled=lambda: flags["MATCHING_ENABLED"])
    urls = [f"/api/match/talent/{T}", f"/api/match/talent/{T}/all", f"/api/match/job/{J}",
            f"/api/match/job/{J}/all", f"/api/match/score?talent_id={T}&job_id={J}"]
    assert all(client.get(u).status_code == 200 for u in urls)
    flags["MATCHING_ENABLED"] = False  # read per request, like settings.MATCHING_ENABLED
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 503
        assert resp.json() == {"ok": False, "error": {"code": "MATCHING_DISABLED",
                                                      "message": "Matching service is disabled"}}
    # The app's /api/matching-results routes never had the switch.
    assert client.get(f"/api/matching-results/talents/{T}/job-postings").status_code == 200


def test_every_endpoint_requires_the_current_user(client):
    anonymous = TestClient(client.app)
    urls = [f"/api/match/talent/{T}", f"/api/match/talent/{T}/all", f"/api/match/job/{J}",
            f"/api/match/job/{J}/all", f"/api/match/score?talent_id={T}&job_id={J}",
            f"/api/matching-results/talents/{T}/job-postings", f"/api/matching-results/job-postings/{J}/talents",
            "/api/matching-results/companies/5/talents"]
    for url in urls:
        resp = anonymous.get(url)
        assert resp.status_code == 401
        # The app's get_current_user raised HTTPException(401, {"code", "message"}): same code, same message.
        assert resp.json() == {"ok": False, "error": {"code": "UNAUTHORIZED", "message": "Not authenticated"}}
        assert client.get(url).status_code == 200


def test_openapi_lists_the_apps_paths_and_parameters(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/match/talent/{talent_id}", "/api/match/talent/{talent_id}/all", "/api/match/job/{job_id}",
        "/api/match/job/{job_id}/all", "/api/match/score",
        "/api/matching-results/talents/{user_id}/job-postings",
        "/api/matching-results/job-postings/{job_posting_id}/talents",
        "/api/matching-results/companies/{company_user_id}/talents",
    }
    params = {p["name"] for p in spec["paths"]["/api/match/talent/{talent_id}"]["get"]["parameters"]}
    assert params == {"talent_id", "top_k", "filters", "_debug", "authorization"} | {
        f"weights.{f}" for f in ("roles", "skills", "growth", "career", "vision", "culture")}


WEIGHT_PARAMS = [f"weights.{f}" for f in ("roles", "skills", "growth", "career", "vision", "culture")]


@pytest.mark.parametrize("path, operation, params", [
    ("/api/match/talent/{talent_id}", "match_talent_topk", ["talent_id", "top_k", "filters", "_debug", *WEIGHT_PARAMS]),
    ("/api/match/talent/{talent_id}/all", "match_talent_all",
     ["talent_id", "limit", "offset", "filters", "_debug", *WEIGHT_PARAMS]),
    ("/api/match/job/{job_id}", "match_job_topk", ["job_id", "top_k", "filters", "_debug", *WEIGHT_PARAMS]),
    ("/api/match/job/{job_id}/all", "match_job_all", ["job_id", "limit", "offset", "filters", "_debug", *WEIGHT_PARAMS]),
    ("/api/match/score", "score_pair", ["talent_id", "job_id", *WEIGHT_PARAMS]),
    ("/api/matching-results/talents/{user_id}/job-postings", "get_talent_matches",
     ["user_id", "min_score", "limit", "offset"]),
    ("/api/matching-results/job-postings/{job_posting_id}/talents", "get_job_posting_matches",
     ["job_posting_id", "min_score", "limit", "offset"]),
    ("/api/matching-results/companies/{company_user_id}/talents", "get_company_matches",
     ["company_user_id", "min_score", "limit", "offset"]),
])
def test_openapi_operations_and_parameter_order_are_the_apps(client, path, operation, params):
    # Generated clients name their functions after operationId and take parameters in this order.
    get = client.get("/openapi.json").json()["paths"][path]["get"]
    assert get["operationId"].startswith(operation + "_api_")
    assert [p["name"] for p in get["parameters"] if p["name"] != "authorization"] == params
