"""live_fallback=True: lists computed from the embeddings when the published run cannot
answer. The reference is fitmatch itself: the second database holds the same seed
matched by the real CLI with LIVE_WEIGHTS."""

import pytest
from sqlalchemy import text

from conftest import FACETS, LIVE_WEIGHTS, TOP_K, facet_scores, published_rows, published_state, subjects

W_PARAMS = {f"weights.{f}": w for f, w in LIVE_WEIGHTS.items()}


@pytest.fixture
def live(tx_client):
    return tx_client(live_fallback=True)


def assert_same_list(results, rows, other_key, other_column, offset=0):
    assert [r[other_key] for r in results] == [row[other_column] for row in rows]
    assert [r["rank"] for r in results] == list(range(offset + 1, offset + len(rows) + 1))
    for got, row in zip(results, rows):
        assert abs(got["overall"]["score_100"] - float(row["total_score"])) <= 0.0100001
        want = facet_scores(row)
        assert set(got["facets"]) == set(want)
        for facet, score in want.items():
            assert abs(got["facets"][facet]["score_100"] - score["score_100"]) <= 0.0100001


def test_weighted_reference_run_used_the_live_weights(weighted_engine):
    with weighted_engine.connect() as conn:
        state = published_state(conn)
    assert {f: state["weight_" + f] for f in FACETS} == LIVE_WEIGHTS


def test_live_talent_lists_equal_fitmatchs_run_with_those_weights(live, weighted_engine):
    with weighted_engine.connect() as ref:
        talents = subjects(ref, "talent_to_job")
        assert len(talents) > 40
        for talent_id in talents:
            rows = published_rows(ref, "talent_to_job", talent_id)
            body = live.get(f"/api/match/talent/{talent_id}", params={**W_PARAMS, "top_k": TOP_K}).json()
            assert body["data"]["weights"] == LIVE_WEIGHTS
            assert_same_list(body["data"]["results"], rows, "job_id", "job_posting_id")
            meta = body["meta"]
            assert (meta["degraded"], meta["reasons"], meta["source"], meta["live_reason"]) == \
                (False, [], "live", "WEIGHTS_NOT_PUBLISHED")
            assert meta["live_candidates_scored"] == len(rows)  # < k: every open posting is listed


def test_live_job_lists_and_pages_equal_fitmatchs_run(live, weighted_engine):
    with weighted_engine.connect() as ref:
        for job_id in subjects(ref, "job_to_talent"):
            rows = published_rows(ref, "job_to_talent", job_id)
            scored = ref.execute(text("SELECT COUNT(*) FROM match_results WHERE direction = 'talent_to_job' "
                                      "AND job_posting_id = :j"), {"j": job_id}).scalar()
            body = live.get(f"/api/match/job/{job_id}", params={**W_PARAMS, "top_k": TOP_K}).json()
            assert_same_list(body["data"]["results"], rows, "talent_id", "talent_user_id")
            body = live.get(f"/api/match/job/{job_id}/all", params={**W_PARAMS, "limit": 4, "offset": 6}).json()
            assert (body["data"]["total"], body["data"]["limit"], body["data"]["offset"]) == (scored, 4, 6)
            assert_same_list(body["data"]["results"], rows[6:10], "talent_id", "talent_user_id", offset=6)
            assert body["meta"]["source"] == "live" and body["meta"]["degraded"] is False


def test_live_when_nothing_is_published(tx, tx_client):
    talent_id = subjects(tx, "talent_to_job")[2]
    rows = published_rows(tx, "talent_to_job", talent_id)
    tx.execute(text("DELETE FROM match_published"))
    body = tx_client(live_fallback=True).get(f"/api/match/talent/{talent_id}/all").json()
    assert body["data"]["weights"] == {f: 1.0 for f in FACETS}
    assert body["data"]["total"] == len(rows)
    assert_same_list(body["data"]["results"], rows, "job_id", "job_posting_id")
    assert body["meta"] == {"degraded": False, "reasons": [], "source": "live", "run_id": None,
                            "published_at": None, "age_seconds": None, "stored_top_k": None,
                            "live_reason": "NOTHING_PUBLISHED", "live_candidates_scored": len(rows)}


def test_live_is_capped_and_then_says_so(tx, tx_client):
    job_id = subjects(tx, "job_to_talent")[0]
    rows = published_rows(tx, "job_to_talent", job_id)
    body = tx_client(live_fallback=True, live_max_candidates=3).get(
        f"/api/match/job/{job_id}", params={"weights.roles": 2, "top_k": 5}).json()
    assert [r["talent_id"] for r in body["data"]["results"]] == [r["talent_user_id"] for r in rows[:5]]
    assert body["data"]["weights"] == {f: 1.0 for f in FACETS}
    assert body["meta"]["source"] == "published" and body["meta"]["degraded"] is True
    assert [r["code"] for r in body["meta"]["reasons"]] == ["LIVE_TOO_MANY_CANDIDATES", "WEIGHTS_NOT_PUBLISHED"]


def test_live_without_an_embedding_is_404(live):
    resp = live.get("/api/match/talent/27", params={"weights.roles": 2})
    assert resp.status_code == 404
    assert resp.json() == {"ok": False,
                           "error": {"code": "EMBEDDING_NOT_FOUND", "message": "Embedding data not found for talent 27"}}
