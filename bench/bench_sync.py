#!/usr/bin/env python3
"""Sync pull from a kitsu-local remote: a full pull of a large production, then small
incremental pulls.

The remote is a ``kitsu-local serve`` whose data dir holds the production of
``../shared/tools/perfbench/seed_large.py --scale 1`` (1,500 entities + 20 sequences, 7,500
tasks with an assignee each, 5,000 comments with a status change, 5,395 casting links; and a
small second "writes" production). Seeding takes about a minute: it is done once into
``--remote-dir`` (its ``seed.json`` says it is complete) and every later run works on a copy of
that dir, so the saved remote never changes.

    full pull     ``kitsu-local sync pull central --project <production> --json`` into a
                  fresh local data dir (``init-db`` and ``remote add`` beforehand, not timed),
                  ``--runs`` times; wall time of the command and its summary's ``seconds``
    incremental   after the last full pull, ``--changes`` task updates (``PUT
                  /data/tasks/{id}``) on the remote, then the same pull command, ``--rounds``
                  times; the remote's log is settled before each pull (see
                  ``Production.settle_log``) so that only the round's changes are read
    back to back  the same without settling: each pull also reads again the previous round's
                  changes (the engine's one-second cursor slack)
    profile       (``--profile``) a full and an incremental pull in this process with the wall
                  time of each phase of the engine (remote requests, listings, merge and its
                  parts, bases, files) and the SQL statements by verb, then a full pull under
                  cProfile (``<out>.prof``, the top functions printed)

Prints a table and writes the figures to ``--out`` (JSON).

    .venv/bin/python bench/bench_sync.py [--remote-dir DIR] [--out FILE] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.api import Api  # noqa: E402
from tests.support.server import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_ENV, Server  # noqa: E402

SEED_TOOL = ROOT.parent / "shared" / "tools" / "perfbench" / "seed_large.py"
DEFAULT_REMOTE_DIR = Path(tempfile.gettempdir()) / "kitsu-local-bench-sync-remote"
SEED_FILE = "seed.json"
REMOTE = "central"
WANTED = {"entities": 1500, "tasks": 7500, "comments": 5000}
FULL_TARGET, INCREMENTAL_TARGET = 60.0, 2.0
SETTLE_SECONDS = 2.1  # more than the pull's cursor slack (1 s) plus the route's second rounding


# ==== the saved remote ========================================================================
def seeded_remote(remote_dir: Path, scale: float) -> dict[str, Any]:
    """The seed file of the saved remote, seeding it first when it has none."""
    seed_path = remote_dir / SEED_FILE
    if seed_path.exists():
        return json.loads(seed_path.read_text())
    if remote_dir.exists():
        shutil.rmtree(remote_dir)  # a seed that did not finish
    print(f"seeding {remote_dir} (scale {scale}), once")
    server = Server(remote_dir).start()
    try:
        partial = remote_dir / "seed.partial.json"
        subprocess.run(
            [sys.executable, str(SEED_TOOL), server.api, ADMIN_EMAIL, ADMIN_PASSWORD,
             "--scale", str(scale), "--out", str(partial)],
            check=True,
        )  # fmt: skip
    finally:
        server.stop()
    seed = json.loads(partial.read_text())
    counts = seed["counts"]
    made = {"entities": counts["assets"] + counts["shots"], **counts}
    if any(made[name] < wanted for name, wanted in WANTED.items()):
        print(f"warning: smaller than the benchmark's production {WANTED}: a smoke run only")
    partial.replace(seed_path)
    return seed


def working_copy(remote_dir: Path, into: Path) -> Path:
    """A copy of the saved remote (database, key, files) that this run may change."""
    shutil.copytree(remote_dir, into, ignore=shutil.ignore_patterns("server.log", "*.json"))
    return into


# ==== the local side ==========================================================================
def kitsu_local(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, **TEST_ENV, "KITSU_LOCAL_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "kitsu_local", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"kitsu-local {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def fresh_local(data_dir: Path, remote: Server) -> Path:
    data_dir.mkdir(parents=True)
    kitsu_local(data_dir, "init-db")
    kitsu_local(data_dir, "remote", "add", REMOTE, remote.url, "--email", ADMIN_EMAIL,
                "--password-stdin", stdin=ADMIN_PASSWORD + "\n")  # fmt: skip
    return data_dir


def timed_pull(data_dir: Path, project_id: str) -> dict[str, Any]:
    """One ``sync pull --json``: its summary, with the command's wall time and the load average
    before it (the machine is shared)."""
    load = os.getloadavg()
    started = time.perf_counter()
    out = kitsu_local(data_dir, "sync", "pull", REMOTE, "--project", project_id, "--json")
    summary = json.loads(out)
    summary["wall"] = time.perf_counter() - started
    summary["load_average"] = load
    if summary["errors"]:
        raise SystemExit(f"the pull reported errors: {summary['errors'][:5]}")
    return summary


# ==== full and incremental pulls ==============================================================
class Production:
    """The seeded production on the running remote, and an admin session to change it."""

    def __init__(self, server: Server, seed: dict[str, Any]) -> None:
        self.server = server
        self.project_id: str = seed["project_id"]
        self.marker_task_id: str = seed["writes"]["task_ids"][0]  # another production's task
        self.client = Api(server.api)
        self.client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        listed = self.client.ok("GET", f"/data/tasks?project_id={self.project_id}")
        self.task_ids = sorted(task["id"] for task in listed)

    def change_tasks(self, task_ids: list[str], label: str) -> float:
        """``PUT /data/tasks/{id}`` on each; answers the seconds it took."""
        started = time.perf_counter()
        for task_id in task_ids:
            self.client.ok("PUT", f"/data/tasks/{task_id}", json={"description": label})
        return time.perf_counter() - started

    def settle_log(self) -> None:
        """Make the newest remote event one the pull skips (a task of the other production),
        alone in its seconds. A pull's cursor is the newest event it saw, and the next pull
        asks ``/data/events/last?after=`` (whole seconds) for the second before it again
        (``pull.CURSOR_SLACK``): without this, it re-reads what happened just before."""
        time.sleep(SETTLE_SECONDS)
        self.client.ok("PUT", f"/data/tasks/{self.marker_task_id}", json={"description": "mark"})


def full_pulls(remote: Production, work: Path, runs: int) -> list[dict[str, Any]]:
    remote.settle_log()
    found = []
    for run in range(runs):
        local_dir = fresh_local(work / f"local-{run}", remote.server)
        summary = timed_pull(local_dir, remote.project_id)
        summary["data_dir"] = str(local_dir)
        found.append(summary)
        print(f"  full pull {run + 1}/{runs}: {summary['wall']:.1f} s "
              f"(engine {summary['seconds']:.1f} s)")  # fmt: skip
    return found


def incremental_pulls(
    remote: Production, local_dir: Path, rounds: int, changes: int, first: int, settled: bool
) -> list[dict[str, Any]]:
    """``rounds`` x (``changes`` task updates, then a pull), on tasks from index ``first``.
    ``settled``: the log settled before each pull (only this round's changes are read)."""
    found = []
    for number in range(rounds):
        start = first + number * changes
        chosen = remote.task_ids[start : start + changes]
        made = remote.change_tasks(chosen, f"bench round {start}")
        if settled:
            remote.settle_log()
        summary = timed_pull(local_dir, remote.project_id)
        updated = summary["counts"].get("tasks", {}).get("updated", 0)
        if updated != len(chosen):
            raise SystemExit(f"round {number}: {updated} tasks updated, {len(chosen)} changed")
        summary["changes_seconds"] = made
        found.append(summary)
        print(
            f"  incremental pull {number + 1}/{rounds}: {summary['wall']:.2f} s (engine "
            f"{summary['seconds']:.2f} s; {len(chosen)} changes made in {made:.1f} s)"
        )
    return found


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "median_wall": round(statistics.median(run["wall"] for run in runs), 3),
        "median_seconds": round(statistics.median(run["seconds"] for run in runs), 3),
    }


# ==== where the time goes =====================================================================
# (module, attribute, phase, index of the Kind argument or None): engine functions timed with a
# wall clock, inclusive of what they await; a Kind argument also splits the phase per kind.
PHASES: tuple[tuple[str, str, str, int | None], ...] = (
    ("kitsu_local.sync.remote", "RemoteClient._call", "remote requests (all HTTP)", None),
    ("kitsu_local.sync.engine", "prepare_database", "database preparation", None),
    ("kitsu_local.sync.pull", "_log_position", "remote event log position", None),
    ("kitsu_local.sync.pull", "_projects", "remote project list", None),
    ("kitsu_local.sync.pull", "_listing", "remote listings (HTTP + JSON)", 1),
    ("kitsu_local.sync.pull", "_events_since", "remote events read", None),
    ("kitsu_local.sync.pull", "_refetch", "changed records read + merged", 1),
    ("kitsu_local.sync.pull", "read_remote", "  remote records read by id", 1),
    ("kitsu_local.sync.pull", "merge_batch", "merge (merge_batch)", 2),
    ("kitsu_local.sync.local", "remote_canonical", "  remote copies made canonical", None),
    ("kitsu_local.sync.local", "read", "  local copies read", None),
    ("kitsu_local.sync.state", "bases", "  base copies read", None),
    ("kitsu_local.sync.state", "conflicted_fields", "  open conflicts read", None),
    ("kitsu_local.sync.engine", "_adopt_twin", "  twins looked for", None),
    ("kitsu_local.sync.local", "write", "  local import (import_record)", 1),
    ("kitsu_local.sync.local", "write_new", "  local bulk insert (import_new_records)", 1),
    ("kitsu_local.services.kitsu_import", "_existing", "    existing row read", None),
    ("kitsu_local.rows", "insert_row", "    row inserted", None),
    ("kitsu_local.services.kitsu_import", "_update", "    row updated", None),
    ("kitsu_local.services.kitsu_import", "_write_relations", "    relation lists written", None),
    ("kitsu_local.services.crud", "serialize", "    answer serialized (presented)", None),
    ("kitsu_local.sync.state", "save_bases", "  base copies saved", None),
    ("kitsu_local.sync.state", "unseen_since", "remote deletions looked for", None),
    ("kitsu_local.sync.pull", "_checkpoint", "checkpoints", None),
    ("kitsu_local.sync.pull", "_apply_deferred", "deferred fields", None),
    ("kitsu_local.sync.files", "pull_files", "files", None),
)
# The part of a phase outside its timed parts (savepoints, three-way merge, clean hooks...).
REMAINDERS = (
    ("merge (merge_batch)", "  rest of merge_batch (savepoints, three-way merge)", "  "),
    ("  local import (import_record)", "    rest of import_record (clean hooks, decode)", "    "),
)


class PhaseClock:
    """Wraps the engine's phase functions with a wall clock (calls and seconds per phase, and
    per kind where the function takes one), and counts the SQL statements by verb."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.statements: dict[str, int] = {}
        self._undo: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> PhaseClock:
        import importlib

        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        for module_name, attribute, phase, kind_at in PHASES:
            owner: Any = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)
            self._undo.append((owner, name, original))
            setattr(owner, name, self._timed(phase, original, kind_at))
        event.listen(Engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_: Any) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._count)
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    def rows(self) -> list[dict[str, Any]]:
        found = []
        for _, _, phase, kind_at in PHASES:
            found.append(self._row(phase))
            if kind_at is not None:
                prefix = f"{phase} | "
                found += [self._row(key) for key in sorted(self.seconds) if key.startswith(prefix)]
            for parent, label, indent in REMAINDERS:
                parts = self._parts(parent, indent)
                if parts and phase == parts[-1]:
                    rest = self.seconds.get(parent, 0.0) - sum(
                        self.seconds.get(p, 0) for p in parts
                    )
                    found.append({"phase": label, "seconds": round(rest, 3), "calls": None})
        return [row for row in found if row["seconds"] or row["calls"]]

    def _row(self, phase: str) -> dict[str, Any]:
        return {"phase": phase, "seconds": round(self.seconds.get(phase, 0.0), 3),
                "calls": self.calls.get(phase, 0)}  # fmt: skip

    @staticmethod
    def _parts(parent: str, indent: str) -> list[str]:
        """The phases listed right under ``parent`` with one more level of indent."""
        labels = [phase for _, _, phase, _ in PHASES]
        parts = []
        for phase in labels[labels.index(parent) + 1 :]:
            if not phase.startswith(indent):
                break
            if not phase.startswith(indent + " "):
                parts.append(phase)
        return parts

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        self.statements[verb] = self.statements.get(verb, 0) + 1

    def _timed(self, phase: str, function: Callable, kind_at: int | None) -> Callable:
        def add(started: float, args: tuple) -> None:
            spent = time.perf_counter() - started
            keys = [phase]
            if kind_at is not None and len(args) > kind_at and hasattr(args[kind_at], "route"):
                keys.append(f"{phase} | {args[kind_at].route}")
            for key in keys:
                self.seconds[key] = self.seconds.get(key, 0.0) + spent
                self.calls[key] = self.calls.get(key, 0) + 1

        if asyncio.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    add(started, args)

            return timed_async

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                add(started, args)

        return timed


def in_process_pull(local_dir: Path, project_id: str) -> dict[str, Any]:
    from kitsu_local import registry
    from kitsu_local.settings import Settings
    from kitsu_local.sync.pull import pull

    registry.install()  # what the command line does before any command
    settings = Settings(data_dir=local_dir)
    summary = asyncio.run(pull(settings, REMOTE, (project_id,))).as_dict()
    if summary["errors"]:
        raise SystemExit(f"the pull reported errors: {summary['errors'][:5]}")
    return summary


def clocked_pull(local_dir: Path, project_id: str) -> dict[str, Any]:
    with PhaseClock() as clock:
        started = time.perf_counter()
        summary = in_process_pull(local_dir, project_id)
        total = time.perf_counter() - started
    return {
        "seconds": round(total, 3),
        "engine_seconds": summary["seconds"],
        "counts": summary["counts"],
        "phases": clock.rows(),
        "statements": dict(sorted(clock.statements.items(), key=lambda item: -item[1])),
    }


def profile(remote: Production, work: Path, prof_path: Path, changes: int) -> dict[str, Any]:
    """One full pull and one incremental pull (settled) in this process with the phase clock,
    then one full pull under cProfile."""
    remote.settle_log()
    local_dir = fresh_local(work / "local-phases", remote.server)
    full = clocked_pull(local_dir, remote.project_id)
    print(f"  phases of a full pull: {full['seconds']:.1f} s in this process")
    remote.change_tasks(remote.task_ids[-changes:], "bench profile")
    remote.settle_log()
    incremental = clocked_pull(local_dir, remote.project_id)
    print(f"  phases of an incremental pull: {incremental['seconds']:.2f} s in this process")
    local_dir = fresh_local(work / "local-cprofile", remote.server)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    in_process_pull(local_dir, remote.project_id)
    profiler.disable()
    profiled = time.perf_counter() - started
    profiler.dump_stats(prof_path)
    print(f"  cProfile: full pull in {profiled:.1f} s under the profiler, stats in {prof_path}")
    return {"full": full, "incremental": incremental,
            "cprofile": {"file": str(prof_path), "seconds": round(profiled, 3),
                         "top": top_functions(prof_path)}}  # fmt: skip


def command_start_seconds(runs: int = 3) -> float:
    """Wall time of ``kitsu-local version``: interpreter start and imports of every command."""
    durations = []
    with tempfile.TemporaryDirectory() as data_dir:
        for _ in range(runs):
            started = time.perf_counter()
            kitsu_local(Path(data_dir), "version")
            durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def top_functions(prof_path: Path, count: int = 25) -> list[dict[str, Any]]:
    """The functions with the most own time (main thread only: SQLite runs in aiosqlite's thread
    and shows here as the event loop waiting in ``epoll``)."""
    stats = pstats.Stats(str(prof_path))
    found = []
    entries = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, line, name), (_, calls, own, cumulative, _) in entries:
        where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        found.append({"function": f"{where}:{line}({name})", "calls": calls,
                      "own": round(own, 3), "cumulative": round(cumulative, 3)})  # fmt: skip
    found.sort(key=lambda row: -row["own"])
    return found[:count]


# ==== output ==================================================================================
def per_kind(summary: dict[str, Any]) -> dict[str, dict[str, int]]:
    return dict(sorted(summary["counts"].items()))


def report(figures: dict[str, Any]) -> None:
    print()
    print(f"{'':52} {'median':>8} {'min':>8} {'max':>8} {'target':>8}")
    for name, title, target in (
        ("full", "full pull", FULL_TARGET),
        ("incremental", f"incremental, {figures['changes']} changes", INCREMENTAL_TARGET),
        ("back_to_back", "back to back (log not settled)", INCREMENTAL_TARGET),
    ):
        runs = figures[name]["runs"]
        for key, what in (("wall", "command wall s"), ("seconds", "engine s")):
            values = [run[key] for run in runs]
            label = f"{title}, {what} (n={len(runs)})" if key == "wall" else f"  {what}"
            print(f"{label:52} {statistics.median(values):8.2f} {min(values):8.2f} "
                  f"{max(values):8.2f} {target:8.1f}")  # fmt: skip
    print()
    print("full pull, records per kind:")
    for kind, actions in figures["full"]["counts"].items():
        print(f"  {kind:16} " + ", ".join(f"{n} {action}" for action, n in actions.items()))
    print(f"  files: {figures['full']['runs'][0]['files']}")
    print(f"command start-up (kitsu-local version): {figures['command_start_seconds']:.2f} s")
    if "profile" in figures:
        for name in ("full", "incremental"):
            block = figures["profile"][name]
            print()
            print(
                f"where the time goes, {name} pull in this process ({block['seconds']:.2f} s; "
                "wall clock, parts inclusive, '| kind' rows split a phase per kind):"
            )
            for row in block["phases"]:
                if " | " in row["phase"] and row["seconds"] < 0.01:
                    continue  # in the JSON only
                calls = "" if row["calls"] is None else f"{row['calls']:7} calls"
                print(f"  {row['phase']:58} {row['seconds']:8.2f} s {calls}")
            print("  SQL statements: " + ", ".join(f"{verb} {n}" for verb, n in
                                                   block["statements"].items()))  # fmt: skip
        print()
        print("most own time under cProfile, full pull (main thread):")
        for row in figures["profile"]["cprofile"]["top"][:15]:
            print(f"  {row['own']:7.2f} s own {row['cumulative']:7.2f} s cum {row['calls']:8} "
                  f"{row['function']}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--remote-dir", type=Path, default=DEFAULT_REMOTE_DIR,
        help="the saved, seeded remote (seeded when it has no seed.json)",
    )  # fmt: skip
    parser.add_argument("--scale", type=float, default=1.0, help="seed_large.py --scale")
    parser.add_argument("--out", type=Path, default=Path("bench_sync.json"))
    parser.add_argument("--runs", type=int, default=3, help="full pulls")
    parser.add_argument("--rounds", type=int, default=5, help="incremental pulls")
    parser.add_argument("--changes", type=int, default=100, help="task updates per round")
    parser.add_argument("--profile", action="store_true", help="phases and cProfile of a pull")
    args = parser.parse_args()
    seed = seeded_remote(args.remote_dir.resolve(), args.scale)
    figures: dict[str, Any] = {
        "seed": {"remote_dir": str(args.remote_dir), "tag": seed["tag"], "counts": seed["counts"]},
        "changes": args.changes,
        "load_average_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as scratch:
        work = Path(scratch)
        server = Server(working_copy(args.remote_dir, work / "remote")).start()
        try:
            remote = Production(server, seed)
            print(f"remote {server.api}: production {seed['project_name']}")
            runs = full_pulls(remote, work, args.runs)
            figures["full"] = {"runs": runs, "counts": per_kind(runs[-1]), **medians(runs)}
            local_dir = Path(runs[-1]["data_dir"])
            for name, settled, first in (
                ("incremental", True, 0),
                ("back_to_back", False, args.rounds * args.changes),
            ):
                if not settled:
                    print("  back to back (the log not settled before each pull):")
                rounds = incremental_pulls(
                    remote, local_dir, args.rounds, args.changes, first, settled
                )
                figures[name] = {"runs": rounds, **medians(rounds)}
            if args.profile:
                prof_path = args.out.with_suffix(".prof").resolve()
                figures["profile"] = profile(remote, work, prof_path, args.changes)
        finally:
            server.stop()
    figures["command_start_seconds"] = command_start_seconds()
    figures["load_average_after"] = os.getloadavg()
    report(figures)
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
