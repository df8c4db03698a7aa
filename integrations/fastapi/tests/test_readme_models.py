"""The SQLAlchemy models in README.md, executed as pasted, map the real tables."""

import re
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, declarative_base

from conftest import FACETS, published_rows, published_state, subjects

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_models():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    code = next(b for b in blocks if "class MatchResult(Base)" in b)
    code = code.replace("from app.db.base import Base\n", "")  # the app's own Base
    namespace = {"Base": declarative_base()}
    exec(compile(code, str(README), "exec"), namespace)
    return namespace["MatchResult"], namespace["MatchPublished"]


def test_models_cover_every_column_of_the_real_tables(engine):
    MatchResult, MatchPublished = readme_models()
    insp = inspect(engine)
    for model in (MatchResult, MatchPublished):
        assert {c["name"] for c in insp.get_columns(model.__tablename__)} == set(model.__table__.columns.keys())
    # Contract v2: the order indexes end in (total_score DESC, the other id).
    assert {i["name"]: i["column_names"] for i in insp.get_indexes("match_results")} == {
        "ix_match_results_talent": ["talent_user_id", "direction", "total_score", "job_posting_id"],
        "ix_match_results_job": ["job_posting_id", "direction", "total_score", "talent_user_id"],
    } == {i.name: [c.name for c in i.columns] for i in MatchResult.__table__.indexes}
    model_sql = {i.name: [str(e.compile(engine)) for e in i.expressions] for i in MatchResult.__table__.indexes}
    assert all(exprs[2] == "match_results.total_score DESC" for exprs in model_sql.values()), model_sql


def test_orm_queries_with_the_index_hint_read_the_published_rows(engine):
    MatchResult, MatchPublished = readme_models()
    with Session(engine) as db:
        talent_id = subjects(db.connection(), "talent_to_job")[0]
        stmt = (select(MatchResult)
                .where(MatchResult.talent_user_id == talent_id, MatchResult.direction == "talent_to_job")
                .order_by(MatchResult.total_score.desc(), MatchResult.job_posting_id).limit(20)
                .with_hint(MatchResult, "FORCE INDEX (ix_match_results_talent)", "mysql"))
        assert "FORCE INDEX (ix_match_results_talent)" in str(stmt.compile(engine))
        got = db.execute(stmt).scalars().all()
        want = published_rows(db.connection(), "talent_to_job", talent_id)
        assert [(r.job_posting_id, r.total_score, r.score_culture) for r in got] == \
            [(w["job_posting_id"], w["total_score"], w["score_culture"]) for w in want]
        published = db.get(MatchPublished, 1)
        state = published_state(db.connection())
        assert (published.run_id, published.top_k, published.published_at) == \
            (state["run_id"], state["top_k"], state["published_at"])
        assert [getattr(published, "weight_" + f) for f in FACETS] == [1.0] * 6
