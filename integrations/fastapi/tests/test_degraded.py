"""Requests the published results cannot answer exactly, created for real in the database
(inside a transaction that is rolled back after each test)."""

import math
from datetime import timedelta

from sqlalchemy import text

from conftest import FACETS, TOP_K, facet_scores, insert_talent, published_rows, published_state, read_vectors, subjects

ONES = {f: 1.0 for f in FACETS}


def codes(body):
    return [r["code"] for r in body["meta"]["reasons"]]


def ids(body, key):
    return [r[key] for r in body["data"]["results"]]


# ---- weights ------------------------------------------------------------------------------

def test_other_weights_are_answered_with_the_runs_weights_and_said_so(tx, tx_client):
    client = tx_client()
    talent_id = subjects(tx, "talent_to_job")[0]
    rows = published_rows(tx, "talent_to_job", talent_id)
    for params in ({"weights.roles": 2}, {"roles": 2}, {"weights.roles": 2, "roles": 7}):
        body = client.get(f"/api/match/talent/{talent_id}", params=params).json()
        assert body["data"]["weights"] == ONES
        assert ids(body, "job_id") == [r["job_posting_id"] for r in rows]
        assert body["data"]["results"][0]["overall"]["score_100"] == float(rows[0]["total_score"])
        assert body["meta"]["degraded"] is True and codes(body) == ["WEIGHTS_NOT_PUBLISHED"]
        assert body["meta"]["requested_weights"] == {**ONES, "roles": 2.0}
        assert body["meta"]["source"] == "published"
    job_id = subjects(tx, "job_to_talent")[0]
    body = tx_client().get(f"/api/match/job/{job_id}/all", params={"weights.culture": 0, "limit": TOP_K}).json()
    assert codes(body) == ["WEIGHTS_NOT_PUBLISHED"]
    assert body["meta"]["requested_weights"] == {**ONES, "culture": 0.0}
    assert body["data"]["total"] == TOP_K


def test_the_apps_weight_rules_and_proportional_weights(tx, tx_client):
    client = tx_client()
    talent_id = subjects(tx, "talent_to_job")[0]
    # Proportional to the run's (all 1): identical scores, so not degraded.
    body = client.get(f"/api/match/talent/{talent_id}", params={f"weights.{f}": 3 for f in FACETS}).json()
    assert body["meta"]["degraded"] is False and body["data"]["weights"] == {f: 3.0 for f in FACETS}
    # All zero (or negative) -> the app falls back to all 1.
    body = client.get(f"/api/match/talent/{talent_id}", params={f"weights.{f}": -1 for f in FACETS}).json()
    assert body["meta"]["degraded"] is False and body["data"]["weights"] == ONES
    # Published weights changed in the database: they become the answer's weights.
    tx.execute(text("UPDATE match_published SET " + ", ".join(f"weight_{f} = 2" for f in FACETS)
                    + ", weight_roles = 4"))
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert body["meta"]["degraded"] is False
    assert body["data"]["weights"] == {**{f: 2.0 for f in FACETS}, "roles": 4.0}
    body = client.get(f"/api/match/talent/{talent_id}", params={"weights.roles": 2}).json()
    assert body["meta"]["degraded"] is False and body["data"]["weights"]["roles"] == 2.0
    body = client.get(f"/api/match/talent/{talent_id}", params={"weights.roles": 1}).json()
    assert codes(body) == ["WEIGHTS_NOT_PUBLISHED"]
    assert body["data"]["weights"] == {**{f: 2.0 for f in FACETS}, "roles": 4.0}


# ---- age ------------------------------------------------------------------------------------

def test_stale_results_are_served_and_flagged(tx, tx_client):
    tx.execute(text("UPDATE match_published SET published_at = UTC_TIMESTAMP(3) - INTERVAL 40 HOUR"))
    job_id = subjects(tx, "job_to_talent")[0]
    rows = published_rows(tx, "job_to_talent", job_id)
    for url, key in ((f"/api/match/job/{job_id}?top_k=5", None),
                     (f"/api/matching-results/job-postings/{job_id}/talents?limit=5", "matches")):
        body = tx_client().get(url).json()
        assert body["meta"]["degraded"] is True and codes(body) == ["STALE_RESULTS"]
        assert abs(body["meta"]["age_seconds"] - 40 * 3600) < 120
        assert "40.0 h old" in body["meta"]["reasons"][0]["message"]
        got = [m["talent_user_id"] for m in body["data"]["matches"]] if key else ids(body, "talent_id")
        assert got == [r["talent_user_id"] for r in rows[:5]]
    body = tx_client(stale_after=timedelta(hours=48)).get(
        f"/api/match/job/{job_id}?top_k=5").json()
    assert body["meta"]["degraded"] is False


def test_published_at_ahead_of_utc_is_reported(tx, tx_client):
    tx.execute(text("UPDATE match_published SET published_at = UTC_TIMESTAMP(3) + INTERVAL 9 HOUR"))
    job_id = subjects(tx, "job_to_talent")[0]
    body = tx_client().get(f"/api/match/job/{job_id}?top_k=5").json()
    assert codes(body) == ["PUBLISHED_AT_IN_FUTURE"]


# ---- nothing published ----------------------------------------------------------------

def test_nothing_published(tx, tx_client):
    talent_id = subjects(tx, "talent_to_job")[0]
    job_id = subjects(tx, "job_to_talent")[0]
    tx.execute(text("DELETE FROM match_published"))
    client = tx_client()
    empty_run = {"run_id": None, "published_at": None, "age_seconds": None, "stored_top_k": None}
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert body["data"] == {"talent_id": talent_id, "weights": ONES, "results": []}
    assert body["meta"] == {"degraded": True, "reasons": body["meta"]["reasons"], "source": "published", **empty_run}
    assert codes(body) == ["NOTHING_PUBLISHED"]
    body = client.get(f"/api/match/job/{job_id}/all", params={"weights.roles": 2}).json()
    assert body["data"] == {"job_id": job_id, "total": 0, "limit": 50, "offset": 0,
                            "weights": {**ONES, "roles": 2.0}, "results": []}
    assert codes(body) == ["NOTHING_PUBLISHED"]
    for url, data in ((f"/api/matching-results/talents/{talent_id}/job-postings", {"talent_user_id": talent_id}),
                      (f"/api/matching-results/job-postings/{job_id}/talents", {"job_posting_id": job_id}),
                      ("/api/matching-results/companies/5/talents", {"company_user_id": 5})):
        body = client.get(url).json()
        assert body["data"] == {**data, "total_matches": 0, "matches": []}
        assert codes(body) == ["NOTHING_PUBLISHED"] and body["meta"]["run_id"] is None
    # Still 404 for a subject without an embedding; /score still works (default weights).
    assert client.get("/api/match/talent/27").status_code == 404
    body = client.get("/api/match/score", params={"talent_id": talent_id, "job_id": job_id}).json()
    assert body["data"]["weights"] == ONES and body["data"]["overall"]["score_100"] is not None
    assert body["meta"]["run_id"] is None and body["meta"]["degraded"] is False


# ---- subjects missing from the run --------------------------------------------------------

def test_subject_with_embedding_but_absent_from_the_run(tx, tx_client):
    talent_id = subjects(tx, "talent_to_job")[5]
    tx.execute(text("DELETE FROM match_results WHERE talent_user_id = :t AND direction = 'talent_to_job'"),
               {"t": talent_id})
    client = tx_client()
    run_id = published_state(tx)["run_id"]
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert body["data"] == {"talent_id": talent_id, "weights": ONES, "results": []}
    assert codes(body) == ["NOT_IN_PUBLISHED_RUN"]
    assert body["meta"]["reasons"][0]["message"].startswith(
        f"talent {talent_id} is not in the published run #{run_id}: it was not eligible")
    body = client.get(f"/api/match/talent/{talent_id}/all").json()
    assert body["data"]["total"] == 0 and codes(body) == ["NOT_IN_PUBLISHED_RUN"]
    body = client.get(f"/api/matching-results/talents/{talent_id}/job-postings").json()
    assert body["data"]["matches"] == [] and codes(body) == ["NOT_IN_PUBLISHED_RUN"]
    # An expired posting with an embedding: never in the run.
    body = client.get("/api/match/job/5").json()
    assert body["data"]["results"] == [] and codes(body) == ["NOT_IN_PUBLISHED_RUN"]


def test_new_talent_with_an_embedding_after_the_run(tx, tx_client):
    job_id = subjects(tx, "job_to_talent")[0]
    job = read_vectors(tx, "job_embeddings", "job_posting_id", job_id)
    assert set(job) == set(FACETS)
    career = job["career"]
    other = [1.0] + [0.0] * (len(career) - 1)
    dot = sum(a * b for a, b in zip(other, career))
    orth = [o - dot * c for o, c in zip(other, career)]
    norm = math.sqrt(sum(x * x for x in orth))
    talent_id = insert_talent(tx, {
        "roles": job["roles"],                     # cos  1 -> 100
        "skills": [-x for x in job["skills"]],     # cos -1 -> 0
        "career": [x / norm for x in orth],        # cos  0 -> 50
        "vision": job["vision"], "culture": job["culture"],   # growth missing
    })
    client = tx_client()
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert body["data"]["results"] == [] and codes(body) == ["NOT_IN_PUBLISHED_RUN"]
    assert "new since then" in body["meta"]["reasons"][0]["message"]

    body = client.get("/api/match/score", params={"talent_id": talent_id, "job_id": job_id}).json()
    assert body["data"] == {
        "talent_id": talent_id, "job_id": job_id, "weights": ONES,
        "overall": {"score_100": 70.0},            # (1 - 1 + 0 + 1 + 1) / 5 = 0.4
        "facets": {"roles": {"score_100": 100.0}, "skills": {"score_100": 0.0}, "career": {"score_100": 50.0},
                   "vision": {"score_100": 100.0}, "culture": {"score_100": 100.0}},
    }
    # A zero weight drops the facet from the total but keeps its score.
    body = client.get("/api/match/score", params={"talent_id": talent_id, "job_id": job_id,
                                                  "weights.skills": 0, "weights.career": 2}).json()
    assert body["data"]["overall"] == {"score_100": 80.0}   # (1 + 2*0 + 1 + 1) / (1 + 2 + 1 + 1) = 0.6
    assert body["data"]["facets"]["skills"] == {"score_100": 0.0}
    assert body["data"]["weights"] == {**ONES, "skills": 0.0, "career": 2.0}
    # Only zero-weight facets shared: no score.
    only_growth = insert_talent(tx, {"growth": job["growth"]})
    body = client.get("/api/match/score", params={"talent_id": only_growth, "job_id": job_id,
                                                  "weights.growth": 0}).json()
    assert body["data"]["overall"] == {"score_100": None}
    assert body["data"]["facets"] == {"growth": {"score_100": 100.0}}


def test_subjects_without_an_embedding_are_404_on_api_match(tx, tx_client):
    talent_id = insert_talent(tx, None)
    client = tx_client()
    job_id = subjects(tx, "job_to_talent")[0]
    for url in (f"/api/match/talent/{talent_id}", f"/api/match/talent/{talent_id}/all",
                f"/api/match/score?talent_id={talent_id}&job_id={job_id}"):
        resp = client.get(url)
        assert resp.status_code == 404
        assert resp.json() == {"ok": False, "error": {"code": "EMBEDDING_NOT_FOUND",
                                                      "message": f"Embedding data not found for talent {talent_id}"}}
    for url in ("/api/match/job/999999", "/api/match/job/999999/all", "/api/match/job/22"):
        resp = client.get(url)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "EMBEDDING_NOT_FOUND"
    resp = client.get("/api/match/score", params={"talent_id": subjects(tx, "talent_to_job")[0], "job_id": 999999})
    assert resp.json() == {"ok": False, "error": {"code": "EMBEDDING_NOT_FOUND",
                                                  "message": "Embedding data not found for job 999999"}}
    resp = client.get(f"/api/matching-results/talents/{talent_id}/job-postings")
    assert resp.status_code == 200  # the app never answered 404 here
    assert resp.json()["data"]["matches"] == [] and codes(resp.json()) == ["EMBEDDING_NOT_FOUND"]


def test_published_scores_of_zero_stay_numbers(tx, tx_client):
    # The app turned a 0.00 facet score into null (`if match.score_x`); 0.00 is a score.
    job_id = subjects(tx, "job_to_talent")[0]
    first = published_rows(tx, "job_to_talent", job_id)[0]
    tx.execute(text("UPDATE match_results SET score_roles = 0 WHERE direction = 'job_to_talent' "
                    "AND job_posting_id = :j AND talent_user_id = :t"), {"j": job_id, "t": first["talent_user_id"]})
    client = tx_client()
    match = client.get(f"/api/matching-results/job-postings/{job_id}/talents").json()["data"]["matches"][0]
    assert match["scores"]["roles"] == 0.0
    result = client.get(f"/api/match/job/{job_id}").json()["data"]["results"][0]
    assert result["facets"]["roles"] == {"score_100": 0.0}
    assert facet_scores(first).keys() == result["facets"].keys()


def test_published_weights_outside_the_cli_range_still_answer(tx, tx_client):
    # fitmatch never writes such weights (its --weights range is 0.000001 .. 1000000); a hand-edited
    # row must still be answered, not fail while formatting the weights (was decimal.InvalidOperation).
    tx.execute(text("UPDATE match_published SET weight_roles = 1e30"))
    talent_id = subjects(tx, "talent_to_job")[0]
    job_id = subjects(tx, "job_to_talent")[0]
    client = tx_client()
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert body["ok"] is True and body["data"]["weights"] == {**ONES, "roles": 1e30}
    body = client.get("/api/match/score", params={"talent_id": talent_id, "job_id": job_id}).json()
    assert body["data"]["weights"]["roles"] == 1e30
    assert abs(body["data"]["overall"]["score_100"] - body["data"]["facets"]["roles"]["score_100"]) <= 0.01
