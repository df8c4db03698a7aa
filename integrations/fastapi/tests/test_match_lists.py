"""/api/match/* answered from the published run: shapes field for field, equality with
match_results, /score against the published scores, and the statement count."""

from sqlalchemy import event, text

from conftest import FACETS, TOP_K, facet_scores, published_rows, published_state, subjects

ONES = {f: 1.0 for f in FACETS}


def expected_meta(state, degraded=False, reasons=None):
    return {
        "degraded": degraded,
        "reasons": reasons or [],
        "source": "published",
        "run_id": state["run_id"],
        "published_at": state["published_at"].isoformat(timespec="milliseconds"),
        "stored_top_k": TOP_K,
    }


def without_age(meta):
    meta = dict(meta)
    assert isinstance(meta.pop("age_seconds"), float)
    return meta


def item(row, other_key, other_column, rank):
    return {other_key: row[other_column], "overall": {"score_100": float(row["total_score"])},
            "facets": facet_scores(row), "rank": rank}


def test_talent_top_k_is_the_published_list_for_every_talent(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        talents = subjects(conn, "talent_to_job")
        assert len(talents) > 40
        for talent_id in talents:
            rows = published_rows(conn, "talent_to_job", talent_id)
            resp = client.get(f"/api/match/talent/{talent_id}", params={"top_k": TOP_K})
            assert resp.status_code == 200
            body = resp.json()
            assert set(body) == {"ok", "data", "meta"} and body["ok"] is True
            assert body["data"] == {
                "talent_id": talent_id,
                "weights": ONES,
                "results": [item(r, "job_id", "job_posting_id", i + 1) for i, r in enumerate(rows)],
            }
            assert without_age(body["meta"]) == expected_meta(state)


def test_job_top_k_is_the_published_list_for_every_job(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        for job_id in subjects(conn, "job_to_talent"):
            rows = published_rows(conn, "job_to_talent", job_id)
            assert len(rows) == TOP_K
            body = client.get(f"/api/match/job/{job_id}", params={"top_k": 4}).json()
            assert body["data"] == {
                "job_id": job_id,
                "weights": ONES,
                "results": [item(r, "talent_id", "talent_user_id", i + 1) for i, r in enumerate(rows[:4])],
            }
            assert without_age(body["meta"]) == expected_meta(state)


def test_missing_facets_are_absent_from_facets(client, engine):
    # Talent 33's culture vector was rejected by backfill (seed's wrong_dim case).
    with engine.connect() as conn:
        rows = published_rows(conn, "talent_to_job", 33)
    assert rows and all(r["score_culture"] is None for r in rows)
    results = client.get("/api/match/talent/33").json()["data"]["results"]
    assert [sorted(r["facets"]) for r in results] == [sorted(set(FACETS) - {"culture"})] * len(rows)


def test_default_top_k_beyond_the_stored_k(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        job_id = subjects(conn, "job_to_talent")[0]
        job_rows = published_rows(conn, "job_to_talent", job_id)
        talent_id = subjects(conn, "talent_to_job")[0]
        talent_rows = published_rows(conn, "talent_to_job", talent_id)
    # A job's list is full (k rows): top_k=20 may miss candidates -> degraded, k reported.
    body = client.get(f"/api/match/job/{job_id}").json()
    assert [r["talent_id"] for r in body["data"]["results"]] == [r["talent_user_id"] for r in job_rows]
    assert body["meta"]["degraded"] is True and body["meta"]["stored_top_k"] == TOP_K
    assert [r["code"] for r in body["meta"]["reasons"]] == ["BEYOND_STORED_K"]
    assert "top 10" in body["meta"]["reasons"][0]["message"]
    # A talent's list is shorter than k (only 6 open postings): it is complete.
    assert len(talent_rows) < TOP_K
    body = client.get(f"/api/match/talent/{talent_id}").json()
    assert len(body["data"]["results"]) == len(talent_rows)
    assert without_age(body["meta"]) == expected_meta(state)


def test_talent_all_pages(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        talent_id = subjects(conn, "talent_to_job")[3]
        rows = published_rows(conn, "talent_to_job", talent_id)
    body = client.get(f"/api/match/talent/{talent_id}/all", params={"limit": 3, "offset": 2}).json()
    assert body["ok"] is True
    assert body["data"] == {
        "talent_id": talent_id, "total": len(rows), "limit": 3, "offset": 2, "weights": ONES,
        "results": [item(r, "job_id", "job_posting_id", i + 3) for i, r in enumerate(rows[2:5])],
    }
    assert without_age(body["meta"]) == expected_meta(state)
    # Defaults: limit 50, offset 0 (and the list is complete, so not degraded).
    body = client.get(f"/api/match/talent/{talent_id}/all").json()
    assert (body["data"]["total"], body["data"]["limit"], body["data"]["offset"]) == (len(rows), 50, 0)
    assert len(body["data"]["results"]) == len(rows) and body["meta"]["degraded"] is False


def test_job_all_pages_and_beyond_the_stored_k(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        job_id = subjects(conn, "job_to_talent")[1]
        rows = published_rows(conn, "job_to_talent", job_id)
    body = client.get(f"/api/match/job/{job_id}/all", params={"limit": 2, "offset": 4}).json()
    assert body["data"] == {
        "job_id": job_id, "total": TOP_K, "limit": 2, "offset": 4, "weights": ONES,
        "results": [item(r, "talent_id", "talent_user_id", i + 5) for i, r in enumerate(rows[4:6])],
    }
    assert without_age(body["meta"]) == expected_meta(state)
    body = client.get(f"/api/match/job/{job_id}/all", params={"limit": 5, "offset": 8}).json()
    assert [r["rank"] for r in body["data"]["results"]] == [9, 10]
    assert [r["code"] for r in body["meta"]["reasons"]] == ["BEYOND_STORED_K"]
    body = client.get(f"/api/match/job/{job_id}/all", params={"limit": 5, "offset": 30}).json()
    assert body["data"]["results"] == [] and body["data"]["total"] == TOP_K
    assert body["meta"]["degraded"] is True


def test_score_equals_the_published_scores_of_every_pair(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        pairs = [dict(r) for r in conn.execute(text("SELECT * FROM match_results")).mappings()]
    assert len(pairs) > 300
    checked = set()
    for row in pairs:
        key = (row["talent_user_id"], row["job_posting_id"])
        if key in checked:
            continue
        checked.add(key)
        resp = client.get("/api/match/score", params={"talent_id": key[0], "job_id": key[1]})
        assert resp.status_code == 200
        body = resp.json()
        assert set(body["data"]) == {"talent_id", "job_id", "weights", "overall", "facets"}
        assert (body["data"]["talent_id"], body["data"]["job_id"]) == key
        assert body["data"]["weights"] == ONES
        assert abs(body["data"]["overall"]["score_100"] - float(row["total_score"])) <= 0.0100001
        published = facet_scores(row)
        assert set(body["data"]["facets"]) == set(published)
        for facet, score in published.items():
            assert abs(body["data"]["facets"][facet]["score_100"] - score["score_100"]) <= 0.0100001
        assert without_age(body["meta"]) == {**expected_meta(state), "source": "embeddings"}
    assert len(checked) > 300


def test_each_list_is_one_statement_and_score_three_primary_key_reads(client, engine):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with engine.connect() as conn:
        talent_id = subjects(conn, "talent_to_job")[0]
        job_id = subjects(conn, "job_to_talent")[0]
    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in (f"/api/match/talent/{talent_id}", f"/api/match/talent/{talent_id}/all",
                    f"/api/match/job/{job_id}?top_k=5", f"/api/match/job/{job_id}/all?limit=5",
                    f"/api/matching-results/talents/{talent_id}/job-postings",
                    f"/api/matching-results/job-postings/{job_id}/talents",
                    "/api/matching-results/companies/5/talents"):
            statements.clear()
            assert client.get(url).status_code == 200
            assert len(statements) == 1, (url, statements)
            assert "FROM match_published p" in statements[0] and "match_results r FORCE INDEX" in statements[0]
            assert "embeddings" not in statements[0]
        statements.clear()
        assert client.get("/api/match/score", params={"talent_id": talent_id, "job_id": job_id}).status_code == 200
        assert len(statements) == 3
        assert sum("FROM talent_embeddings WHERE talent_user_id" in s for s in statements) == 1
        assert sum("FROM job_embeddings WHERE job_posting_id" in s for s in statements) == 1
        assert sum("FROM match_published p WHERE p.id = 1" in s for s in statements) == 1
    finally:
        event.remove(engine, "before_cursor_execute", record)
