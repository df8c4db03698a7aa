"""Each query's plan on the real server: the index the README promises, no filesort
(except the company merge, which sorts by design)."""

from explain_queries import explain, queries, sample_ids


def plan_of(engine, name_prefix):
    with engine.connect() as conn:
        ids = sample_ids(conn)
        for name, sql, params in queries(ids):
            if name.startswith(name_prefix):
                return {r["table"]: r for r in explain(conn, sql, params)}
    raise AssertionError(name_prefix)


def no_filesort(plan):
    return all("filesort" not in (r["Extra"] or "") and "temporary" not in (r["Extra"] or "") for r in plan.values())


def test_jobs_for_talent_reads_ix_match_results_talent_in_order(engine):
    plan = plan_of(engine, "jobs for talent")
    assert plan["p"]["type"] == "const" and plan["p"]["key"] == "PRIMARY"
    # Contract v2: min_score bounds the index's third column (total_score DESC), so MariaDB
    # may read it as a range within the subject's rows; either way in index order, no sort.
    assert plan["r"]["type"] in ("ref", "range") and plan["r"]["key"] == "ix_match_results_talent"
    assert (plan["jp"]["type"], plan["c"]["type"]) == ("eq_ref", "eq_ref")
    assert no_filesort(plan)


def test_talents_for_job_reads_ix_match_results_job_in_order(engine):
    plan = plan_of(engine, "talents for job")
    assert plan["p"]["type"] == "const"
    assert plan["r"]["type"] in ("ref", "range") and plan["r"]["key"] == "ix_match_results_job"
    assert no_filesort(plan)


def test_company_merge_uses_indexes_and_sorts_only_its_postings_rows(engine):
    plan = plan_of(engine, "talents for company")
    assert (plan["c"]["type"], plan["c"]["key"]) == ("const", "owner_user_id")
    assert (plan["jp"]["type"], plan["jp"]["key"]) == ("ref", "ix_job_postings_company_status")
    assert (plan["r"]["type"], plan["r"]["key"]) == ("ref", "ix_match_results_job")
    assert "filesort" in "".join(r["Extra"] or "" for r in plan.values())


def test_point_reads_use_primary_keys_or_the_subject_index(engine):
    assert plan_of(engine, "published state")["p"]["type"] == "const"
    assert plan_of(engine, "talent in run")["match_results"]["key"] == "ix_match_results_talent"
    assert plan_of(engine, "job in run")["match_results"]["key"] == "ix_match_results_job"
    assert plan_of(engine, "talent embedding")["talent_embeddings"]["type"] == "const"
    assert plan_of(engine, "job embedding")["job_embeddings"]["type"] == "const"
