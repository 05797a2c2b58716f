"""``POST /data/search`` against Zou: Zou answers 500 for any real query without Meilisearch
(ours works out of the box, ``tests/test_full_text.py``), so what can be compared is the
validation of the body and the short-query answer."""

from __future__ import annotations

import pytest

BAD_BODIES = (
    {},
    {"query": 3},
    {"query": "abc", "limit": "many"},
    {"query": "abc", "offset": -1},
    {"query": "abc", "index_names": "assets"},
    {"query": "abc", "index_names": [3]},
    {"query": "abc", "project_id": 12},
    ["abc"],
)


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_bodies(compat, body):
    compat.check("POST", "/data/search", body)


@pytest.mark.parametrize("role", ("admin", "user", "vendor", "anonymous"))
def test_short_queries_answer_nothing(compat, role):
    zou, local = compat.check("POST", "/data/search", {"query": "ab"}, role=role)
    if role != "anonymous":
        assert zou == local == {}
