"""/api/matching-results/* answered from the published run, compared with match_results."""

from sqlalchemy import text

from conftest import FACETS, TOP_K, published_rows, published_state, subjects


def scores(row):
    return {f: (float(row["score_" + f]) if row["score_" + f] is not None else None) for f in FACETS}


def company_of(conn):
    return dict(conn.execute(text(
        "SELECT jp.id, c.owner_user_id FROM job_postings jp JOIN companies c ON c.id = jp.company_id")).all())


def check_meta(meta, state, reasons=()):
    assert meta["degraded"] is bool(reasons)
    assert [r["code"] for r in meta["reasons"]] == list(reasons)
    assert (meta["source"], meta["run_id"], meta["stored_top_k"]) == ("published", state["run_id"], TOP_K)


def test_talent_job_postings_for_every_talent(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        owners = company_of(conn)
        for talent_id in subjects(conn, "talent_to_job"):
            rows = published_rows(conn, "talent_to_job", talent_id)
            body = client.get(f"/api/matching-results/talents/{talent_id}/job-postings").json()
            assert set(body) == {"ok", "data", "meta"} and body["ok"] is True
            assert body["data"] == {
                "talent_user_id": talent_id,
                "total_matches": len(rows),
                "matches": [{
                    "job_posting_id": r["job_posting_id"],
                    "company_user_id": owners[r["job_posting_id"]],
                    "total_score": float(r["total_score"]),
                    "scores": scores(r),
                    "calculated_at": r["computed_at"].isoformat(),
                } for r in rows],
            }
            check_meta(body["meta"], state)


def test_job_posting_talents_for_every_job(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        for job_id in subjects(conn, "job_to_talent"):
            rows = published_rows(conn, "job_to_talent", job_id)
            body = client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                              params={"limit": TOP_K}).json()
            assert body["data"] == {
                "job_posting_id": job_id,
                "total_matches": TOP_K,
                "matches": [{
                    "talent_user_id": r["talent_user_id"],
                    "total_score": float(r["total_score"]),
                    "scores": scores(r),
                    "calculated_at": r["computed_at"].isoformat(),
                } for r in rows],
            }
            check_meta(body["meta"], state)
            # The default limit follows the stored k: a default request is exact, not degraded.
            body = client.get(f"/api/matching-results/job-postings/{job_id}/talents").json()
            assert body["data"]["total_matches"] == TOP_K
            check_meta(body["meta"], state)
            # Asking for more than k of a full list is what BEYOND_STORED_K is for.
            body = client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                              params={"limit": 100}).json()
            assert body["data"]["total_matches"] == TOP_K
            check_meta(body["meta"], state, ["BEYOND_STORED_K"])


def test_min_score_and_limit(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        job_id = subjects(conn, "job_to_talent")[2]
        rows = published_rows(conn, "job_to_talent", job_id)
    cut = float(rows[4]["total_score"])
    body = client.get(f"/api/matching-results/job-postings/{job_id}/talents", params={"min_score": cut}).json()
    kept = [r["talent_user_id"] for r in rows if float(r["total_score"]) >= cut]
    assert [m["talent_user_id"] for m in body["data"]["matches"]] == kept and len(kept) >= 5
    assert body["data"]["total_matches"] == len(kept)
    check_meta(body["meta"], state)  # cut by min_score inside the stored list: complete
    body = client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                      params={"min_score": cut, "limit": 2}).json()
    assert [m["talent_user_id"] for m in body["data"]["matches"]] == kept[:2]
    body = client.get(f"/api/matching-results/job-postings/{job_id}/talents", params={"min_score": 100}).json()
    assert body["data"] == {"job_posting_id": job_id, "total_matches": 0, "matches": []}
    check_meta(body["meta"], state)  # the job is in the run, nothing reached 100


def test_company_talents_merge_all_postings_by_score(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        owners = company_of(conn)
        rows = [dict(r) for r in conn.execute(text(
            "SELECT * FROM match_results WHERE direction = 'job_to_talent'")).mappings()]
    by_company = {}
    for r in rows:
        by_company.setdefault(owners[r["job_posting_id"]], []).append(r)
    company, mine = max(by_company.items(), key=lambda kv: len({r["job_posting_id"] for r in kv[1]}))
    assert len({r["job_posting_id"] for r in mine}) >= 2  # a company with several open postings
    mine.sort(key=lambda r: (-r["total_score"], r["job_posting_id"], r["talent_user_id"]))
    body = client.get(f"/api/matching-results/companies/{company}/talents", params={"limit": 15}).json()
    assert body["data"] == {
        "company_user_id": company,
        "total_matches": 15,
        "matches": [{
            "talent_user_id": r["talent_user_id"],
            "job_posting_id": r["job_posting_id"],
            "total_score": float(r["total_score"]),
            "scores": scores(r),
            "calculated_at": r["computed_at"].isoformat(),
        } for r in mine[:15]],
    }
    check_meta(body["meta"], state)
    all_matches = client.get(f"/api/matching-results/companies/{company}/talents",
                             params={"limit": 500}).json()["data"]["matches"]
    assert len(all_matches) == len(mine)
    assert [m["total_score"] for m in all_matches] == sorted((m["total_score"] for m in all_matches), reverse=True)
    # A company none of whose postings is open: an empty answer, not an error.
    closed = next(c for c in set(owners.values()) if c not in by_company)
    body = client.get(f"/api/matching-results/companies/{closed}/talents").json()
    assert body["data"] == {"company_user_id": closed, "total_matches": 0, "matches": []}
    check_meta(body["meta"], state)


def test_subjects_without_results_get_an_empty_list_like_the_app(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
    # Talent 27 has no talent_profiles row, so no embedding; job 5 expired before the run.
    body = client.get("/api/matching-results/talents/27/job-postings").json()
    assert body["data"] == {"talent_user_id": 27, "total_matches": 0, "matches": []}
    check_meta(body["meta"], state, ["EMBEDDING_NOT_FOUND"])
    assert body["meta"]["reasons"][0]["message"] == "Embedding data not found for talent 27"
    body = client.get("/api/matching-results/job-postings/5/talents").json()
    assert body["data"] == {"job_posting_id": 5, "total_matches": 0, "matches": []}
    check_meta(body["meta"], state, ["NOT_IN_PUBLISHED_RUN"])
    assert "not eligible in run" in body["meta"]["reasons"][0]["message"]


def test_default_limit_is_the_stored_top_k_on_every_endpoint(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        talent_id = subjects(conn, "talent_to_job")[0]
        owners = company_of(conn)
        rows = [dict(r) for r in conn.execute(text(
            "SELECT job_posting_id FROM match_results WHERE direction = 'job_to_talent'")).mappings()]
    company = owners[rows[0]["job_posting_id"]]
    for path in (f"/api/matching-results/talents/{talent_id}/job-postings",
                 f"/api/matching-results/companies/{company}/talents"):
        body = client.get(path).json()
        assert len(body["data"]["matches"]) <= state["top_k"]
        assert "BEYOND_STORED_K" not in [r["code"] for r in body["meta"]["reasons"]]


def test_offset_pages_through_the_list(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        job_id = subjects(conn, "job_to_talent")[1]
        rows = published_rows(conn, "job_to_talent", job_id)
    want = [r["talent_user_id"] for r in rows]
    pages = []
    for offset in range(0, TOP_K, 5):
        body = client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                          params={"limit": 5, "offset": offset}).json()
        pages += [m["talent_user_id"] for m in body["data"]["matches"]]
        check_meta(body["meta"], state)
    assert pages == want
    # Past the stored list of a full subject: what exists (nothing), and says so.
    body = client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                      params={"offset": TOP_K, "limit": 5}).json()
    assert body["data"]["matches"] == []
    check_meta(body["meta"], state, ["BEYOND_STORED_K"])
    assert client.get(f"/api/matching-results/job-postings/{job_id}/talents",
                      params={"offset": -1}).status_code == 422


def test_unknown_company_says_so(client, engine):
    with engine.connect() as conn:
        state = published_state(conn)
        unknown = conn.execute(text("SELECT MAX(id) + 1000 FROM users")).scalar()
    body = client.get(f"/api/matching-results/companies/{unknown}/talents").json()
    assert body["data"] == {"company_user_id": unknown, "total_matches": 0, "matches": []}
    check_meta(body["meta"], state, ["COMPANY_NOT_FOUND"])
    assert body["meta"]["reasons"][0]["message"] == f"no company is owned by user {unknown}"
