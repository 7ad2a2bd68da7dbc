"""The CLI's output: strict JSON, aligned tables, report summaries, exit codes (no drift chain)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.drift.report import DriftReport
    from .core.project.definition import Project

#: Exit codes: done; drifted, different or nothing found; bad input; interrupted (Ctrl-C).
EXIT_OK, EXIT_DRIFT, EXIT_BAD, EXIT_CANCELLED = 0, 1, 2, 130


def print_json(value: object) -> None:
    """Print strict JSON, as the REST API answers it (never NaN or Infinity), one item a line.

    Lists of objects at the top (environments, packages, kernels) print an item a line with C's
    encoder: `indent=` falls back to Python's, ~4x slower on a 1,000-environment listing.
    """
    sys.stdout.write(_json_lines(value, "") + "\n")


def _json_lines(value: object, margin: str) -> str:
    """Return value as JSON: dicts and lists of containers spread over lines, the rest on one line."""
    inner = margin + "  "
    if isinstance(value, dict) and value:
        items = (f"{inner}{json.dumps(str(k))}: {_json_lines(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{margin}}}"
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        items = (inner + json.dumps(v, allow_nan=False, ensure_ascii=True) for v in value)
        return "[\n" + ",\n".join(items) + f"\n{margin}]"
    return json.dumps(value, allow_nan=False)


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Return rows as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def print_drift(report: DriftReport) -> None:
    """Print a drift report as a table and a summary line."""
    env = report.environment
    lock = report.lock
    where = ""
    if lock and lock.environment:
        where = f" (environment {lock.environment}, {lock.platform or 'any platform'})"
    print(f"{env['name']} ({env['prefix']}) vs {report.file}{where}")
    for warning in (lock.stale, lock.unjudged) if lock else ():
        if warning:
            print(warning)
    rows = [
        (f"{r.line}", r.source, r.spec, r.status, r.installed or "-", r.reason)
        for r in report.requirements
        if r.status != "ok"
    ]
    if rows:
        print(table(rows, ("LINE", "SOURCE", "SPEC", "STATUS", "INSTALLED", "REASON")))
    if report.unrequested:
        print(f"{len(report.unrequested)} installed by hand, not in the file (drift only with --strict):")
    for pkg in report.unrequested:
        print(f"  {pkg.name} {pkg.version} ({pkg.source})")
    counts = report.summary
    head = "in sync" if report.in_sync else f"drifted: {report.drift_count} drift"
    if lock is not None:
        stale = "; the lock is out of date" if lock.stale else ""
        print(
            f"{head} ({counts['missing']} missing, {counts['mismatch']} mismatch, {counts['extra']} extra;"
            f" {counts['ok']} ok{stale})"
        )
    else:
        print(
            f"{head} ({counts['missing']} missing, {counts['mismatch']} mismatch; {counts['ok']} ok,"
            f" {counts['skipped']} skipped; {counts['unrequested']} installed by hand)"
        )
    if report.fixes:
        print("to fix it, run (nothing was installed):")
    for fix in report.fixes:
        print(f"  {fix.command}")
    for note in report.notes:
        shown = ", ".join(note.to_json()["entries"])
        print(f"no command for {shown}: {note.reason}")


def print_project(found: Project) -> None:
    """Print a project answer: what it names, whether it exists, its drift or how to create it."""
    print(f"project environment: {found.name} ({found.file}, {found.tool})")
    env = found.environment
    from .core.service.project import UNLISTED

    if env is None and found.hint == UNLISTED:
        print(f"not listed: {found.hint}")
        return
    if env is None:
        where = found.prefix or found.name
        print(f"not created: no environment {where} exists yet")
        print("create it with:" if found.create else f"no command to create it: {found.hint}")
        for command in found.create:
            print(f"  {command.command}")
        return
    kernel = (found.kernel or {}).get("name", "none (install ipykernel in it)")
    print(f"exists: {env.name} ({env.prefix}), kernel: {kernel}")
    if found.drift:
        counts, total = found.drift["summary"], found.drift["drift_count"]
        lock = found.drift.get("lock")
        if lock:
            print(
                f"drift vs {found.drift['file']}: {total} ({counts['missing']} missing,"
                f" {counts['mismatch']} mismatch, {counts['extra']} extra)"
            )
            if lock["stale"]:
                print(lock["stale"])
        else:
            print(
                f"drift: {total} ({counts['missing']} missing, {counts['mismatch']} mismatch)"
                f"; {counts['unrequested']} installed by hand, not in the file"
            )
