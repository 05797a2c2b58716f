#!/usr/bin/env python3
"""``POST /data/search`` on 100,000 entities (target: under 10 ms per query).

Seeds one project through the API (a template asset, a sequence and a shot), then clones them
straight into SQLite (one transaction, ``sqlite3``) into 50,000 assets named like
``chair_big_01234`` and 50,000 shots ``SH01234`` over 100 sequences, plus 1,000 persons. The
FTS5 triggers index the rows as they are inserted, as they do for every write. Then times, as an
admin over HTTP, queries by prefix, by a word inside a name, several words, rare and common
words, with the route's defaults (``limit`` 3, indexes assets, shots and persons), and prints
median / p95 / min per query and in all.

    .venv/bin/python bench/bench_search.py [--runs 30] [--entities 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.api import Api  # noqa: E402
from tests.support.server import running_server  # noqa: E402

NOUNS = ("chair", "table", "lamp", "tree", "rock", "house", "car", "sword", "dragon", "robot")
ADJECTIVES = ("big", "small", "old", "broken", "golden", "dark", "tall", "round")
QUERIES = (
    "cha",  # a common prefix (5,000 assets)
    "dragon",  # a whole common word
    "golden",  # a word inside the names (6,250 assets)
    "golden dra",  # two words
    "chair_broken_0123",  # the start of one name
    "robot_broken_04999",  # one asset
    "SH012",  # shots by prefix (100)
    "SH04999",  # one shot
    "Artist 0042",  # a person
    "nothingmatches",
    "tab sma 001",  # three prefixes
)


def seed(admin: Api, data_dir: Path, entities: int) -> None:
    project = admin.create("projects", name="Search bench")
    pid = project["id"]
    types = {item["name"]: item["id"] for item in admin.ok("GET", "/data/entity-types")}
    asset = admin.create("entities", name="template", project_id=pid, entity_type_id=types["Prop"])
    sequence = admin.create(
        "entities", name="SQ000", project_id=pid, entity_type_id=types["Sequence"]
    )
    shot = admin.create(
        "entities", name="SH_template", project_id=pid, entity_type_id=types["Shot"],
        parent_id=sequence["id"],
    )  # fmt: skip
    person = admin.create("persons", first_name="Template", last_name="Person")
    db = sqlite3.connect(data_dir / "kitsu.db", timeout=60)
    started = time.perf_counter()
    with db:
        sequences = [sequence["id"]] + [
            _clone(db, "entity", sequence["id"], name=f"SQ{index:03d}") for index in range(1, 100)
        ]
        half = entities // 2
        for index in range(half):
            noun = NOUNS[index % len(NOUNS)]
            adjective = ADJECTIVES[(index // len(NOUNS)) % len(ADJECTIVES)]
            _clone(db, "entity", asset["id"], name=f"{noun}_{adjective}_{index:05d}")
        for index in range(entities - half):
            _clone(
                db, "entity", shot["id"], name=f"SH{index:05d}", parent_id=sequences[index % 100]
            )
        for index in range(1000):
            _clone(
                db, "person", person["id"], first_name="Artist", last_name=f"{index:04d}",
                email=f"artist{index:04d}@bench.example", active=0,
            )  # fmt: skip
    print(
        f"seeded {entities:,} entities and 1,000 persons in {time.perf_counter() - started:.1f} s"
    )
    db.close()


_COLUMNS: dict[str, list[str]] = {}


def _clone(db: sqlite3.Connection, table: str, source_id: str, **values: object) -> str:
    if table not in _COLUMNS:
        _COLUMNS[table] = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    columns = _COLUMNS[table]
    new_id = str(uuid.uuid4())
    values = {"id": new_id, **values}
    picked = ", ".join("?" if column in values else column for column in columns)
    params = [values[column] for column in columns if column in values]
    db.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table} WHERE id = ?",
        [*params, source_id],
    )
    return new_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--entities", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as admin:
        seed(admin, Path(tmp), args.entities)
        every: list[float] = []
        print(f"{'query':<20} {'median':>8} {'p95':>8} {'min':>8}  hits (assets/shots/persons)")
        for query in QUERIES:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                answer = admin.ok("POST", "/data/search", json={"query": query})
                times.append((time.perf_counter() - started) * 1000)
            every.extend(times)
            times.sort()
            hits = "/".join(
                str(len(answer.get(name, []))) for name in ("assets", "shots", "persons")
            )
            print(
                f"{query:<20} {statistics.median(times):7.2f}ms "
                f"{times[int(len(times) * 0.95) - 1]:7.2f}ms {times[0]:7.2f}ms  {hits}"
            )
        every.sort()
        print(
            f"{'all queries':<20} {statistics.median(every):7.2f}ms "
            f"{every[int(len(every) * 0.95) - 1]:7.2f}ms {every[0]:7.2f}ms"
        )


if __name__ == "__main__":
    main()
