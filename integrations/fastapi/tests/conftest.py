"""Real fixtures: two throwaway databases filled by the real fitmatch CLI, the router
mounted on a real FastAPI app, a real SQLAlchemy Session per request (pymysql).

Database server: 127.0.0.1:3306 as root with an empty password, or FMPY_DB_HOST /
FMPY_DB_PORT / FMPY_DB_USER / FMPY_DB_PASSWORD.
"""

import hashlib
import os
import secrets
import struct
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pymysql
import pytest
from fastapi import FastAPI, Header, HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import fitmatch_router  # noqa: E402

REPO = HERE.parents[2]
HOST = os.environ.get("FMPY_DB_HOST", "127.0.0.1")
PORT = int(os.environ.get("FMPY_DB_PORT", "3306"))
USER = os.environ.get("FMPY_DB_USER", "root")
PASSWORD = os.environ.get("FMPY_DB_PASSWORD", "")

FACETS = fitmatch_router.FACETS
SEED_ARGS = ["--talents", "60", "--jobs", "25", "--companies", "6", "--dim", "16", "--seed", "7"]
TOP_K = 10
# The second database is the same seed matched with these weights: what a live answer
# for them must equal.
LIVE_WEIGHTS = {"roles": 3.0, "skills": 0.5, "growth": 0.0, "career": 2.0, "vision": 1.0, "culture": 1.0}
TOKEN = "Bearer test-token"


def _server():
    return pymysql.connect(host=HOST, port=PORT, user=USER, password=PASSWORD, autocommit=True)


def _url(db: str, scheme: str) -> str:
    auth = USER + (":" + PASSWORD if PASSWORD else "")
    return f"{scheme}://{auth}@{HOST}:{PORT}/{db}"


def _fitmatch(db: str, *args: str) -> str:
    cli = REPO / "bin" / "fitmatch"
    if not (REPO / "dist" / "cli.js").exists():
        raise RuntimeError("dist/ is missing: run `npm ci` at the repository root first")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITMATCH_")}
    env.update(DATABASE_URL=_url(db, "mysql"), FITMATCH_LOG_FORMAT="json")
    done = subprocess.run([str(cli), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"fitmatch {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def _create_db(label: str, created: List[str], match_args: List[str]) -> str:
    name = f"fmpy_{label}_{secrets.token_hex(4)}"
    with _server() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    created.append(name)
    _fitmatch(name, "seed", *SEED_ARGS)
    _fitmatch(name, "migrate")
    _fitmatch(name, "backfill")
    _fitmatch(name, "match", "--top-k", str(TOP_K), *match_args)
    return name


@pytest.fixture(scope="session")
def databases():
    created: List[str] = []
    try:
        main = _create_db("main", created, [])
        weighted = _create_db("wtd", created, ["--weights", ",".join(f"{f}={w:g}" for f, w in LIVE_WEIGHTS.items())])
        yield {"main": main, "weighted": weighted}
    finally:
        with _server() as conn, conn.cursor() as cur:
            for name in created:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def engine(databases):
    eng = create_engine(_url(databases["main"], "mysql+pymysql") + "?charset=utf8mb4", future=True)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def weighted_engine(databases):
    eng = create_engine(_url(databases["weighted"], "mysql+pymysql") + "?charset=utf8mb4", future=True)
    yield eng
    eng.dispose()


def stub_current_user(authorization: Optional[str] = Header(None)):
    if authorization != TOKEN:
        raise HTTPException(401, detail={"code": "UNAUTHORIZED", "message": "Not authenticated"})
    return {"id": 1, "role": "company"}


def make_client(get_db, **router_options) -> TestClient:
    app = FastAPI()
    app.include_router(fitmatch_router.build_router(get_db, stub_current_user, **router_options))
    return TestClient(app, headers={"Authorization": TOKEN})


@pytest.fixture(scope="session")
def session_factory(engine):
    return sessionmaker(bind=engine, autoflush=False, expire_on_commit=False, future=True)


def session_dependency(session_factory):
    """The app's get_db: a new Session per request, closed afterwards."""

    def get_db():
        db = session_factory()
        try:
            yield db
        finally:
            db.close()

    return get_db


@pytest.fixture(scope="session")
def client(session_factory):
    """The router as the app mounts it."""
    return make_client(session_dependency(session_factory))


@pytest.fixture
def tx(engine):
    """A connection inside a transaction that is rolled back after the test: tests change
    the published state through it and the router reads through it."""
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def tx_client(tx):
    """make_client on the test's transaction: tx_client(**router_options)."""

    def get_db():
        db = Session(bind=tx)
        try:
            yield db
        finally:
            db.close()

    return lambda **options: make_client(get_db, **options)


# ---- direct reads of what fitmatch published ------------------------------------------

def published_rows(conn, direction: str, subject_id: int) -> List[dict]:
    """A subject's rows in contract v2's order (total_score DESC, then the other id)."""
    key, other = (("talent_user_id", "job_posting_id") if direction == "talent_to_job"
                  else ("job_posting_id", "talent_user_id"))
    return [dict(r) for r in conn.execute(text(
        f"SELECT * FROM match_results WHERE direction = :d AND {key} = :id "
        f"ORDER BY total_score DESC, {other}"),
        {"d": direction, "id": subject_id}).mappings()]


def subjects(conn, direction: str) -> List[int]:
    key = "talent_user_id" if direction == "talent_to_job" else "job_posting_id"
    return [r[0] for r in conn.execute(text(
        f"SELECT DISTINCT {key} FROM match_results WHERE direction = :d ORDER BY 1"), {"d": direction})]


def published_state(conn) -> dict:
    return dict(conn.execute(text("SELECT * FROM match_published WHERE id = 1")).mappings().one())


def facet_scores(row: dict) -> Dict[str, dict]:
    return {f: {"score_100": float(row["score_" + f])} for f in FACETS if row["score_" + f] is not None}


def read_vectors(conn, table: str, key: str, subject_id: int) -> Dict[str, List[float]]:
    """Independent decoder of the packed layout (struct, not the router's array code)."""
    row = conn.execute(text(f"SELECT facet_dims, vectors FROM {table} WHERE {key} = :id"),
                       {"id": subject_id}).mappings().one()
    out, at = {}, 0
    for facet, dim in zip(FACETS, (int(d) for d in row["facet_dims"].split(","))):
        if dim:
            out[facet] = list(struct.unpack(f"<{dim}f", row["vectors"][at:at + 4 * dim]))
            at += 4 * dim
    return out


def insert_talent(conn, vectors: Optional[Dict[str, List[float]]]) -> int:
    """A new talent (user + profile) created after the run, with an embedding row in the
    packed format when `vectors` is given."""
    conn.execute(text("INSERT INTO users (email, password_hash, role) VALUES (:e, 'x', 'talent')"),
                 {"e": f"new-{secrets.token_hex(4)}@seed.fitmatch.invalid"})
    user_id = conn.execute(text("SELECT LAST_INSERT_ID()")).scalar()
    conn.execute(text("INSERT INTO talent_profiles (user_id, name, is_submitted) VALUES (:u, '신규', 1)"),
                 {"u": user_id})
    if vectors is not None:
        dims = [len(vectors[f]) if f in vectors else 0 for f in FACETS]
        blob = b"".join(struct.pack(f"<{len(vectors[f])}f", *vectors[f]) for f in FACETS if f in vectors)
        facet_dims = ",".join(map(str, dims))
        conn.execute(text(
            "INSERT INTO talent_embeddings (talent_user_id, model, source, vectors, facet_mask, facet_dims, vectors_hash) "
            "VALUES (:u, 'test', 'text', :v, :m, :d, :h)"), {
            "u": user_id, "v": blob, "m": sum(1 << i for i, d in enumerate(dims) if d), "d": facet_dims,
            "h": hashlib.sha256(facet_dims.encode() + b"\n" + blob).hexdigest()[:16]})
    return user_id
