"""`drift`, `export`, `check`, `project`: environments against what was asked for, locked or recorded."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .clitext import EXIT_BAD, EXIT_DRIFT, EXIT_OK, print_drift, print_json, print_project
from .core.base.errors import InvalidArgument

if TYPE_CHECKING:
    from .core.service import EnvService


def cmd_drift(service: EnvService, args: argparse.Namespace) -> int:
    """Compare an environment with its environment file; exit 1 when drifted."""
    env = service.find(args.env, allow_any_prefix=True) if args.env else service.active()
    path = Path(args.file) if args.file else service.nearest_envfile(Path.cwd())
    report = service.drift(env, path)
    if args.fix_command:
        for fix in report.fixes:
            print(fix.command)
        for note in report.notes:
            count = len(note.entries)
            print(f"jupyter envpanel drift: no command for {count} entries: {note.reason}", file=sys.stderr)
    elif args.json:
        print_json(report.to_json())
    else:
        print_drift(report)
    return EXIT_DRIFT if report.drifted(args.strict) else EXIT_OK


def cmd_export(service: EnvService, args: argparse.Namespace) -> int:
    """Print (or write to a new file) an environment.yml made from an environment or a notebook."""
    if args.env.endswith(".ipynb"):
        from .core.notebooks.file import notebook_record, read_notebook
        from .core.notebooks.record import export_record

        path = Path(args.env)
        recorded = notebook_record(read_notebook(path), path)
        if recorded is None:
            raise InvalidArgument(f"{path.name} has no record of what it ran with (save it after it ran)")
        text = export_record(recorded)
    else:
        text = service.export(service.find(args.env, allow_any_prefix=True))
    if not args.file:
        sys.stdout.write(text)
        return EXIT_OK
    from .core.drift.export import write_new

    write_new(Path(args.file), text)
    print(f"wrote {args.file}")
    return EXIT_OK


def cmd_check(service: EnvService, args: argparse.Namespace) -> int:
    """Compare a notebook's record with an environment; exit 0 same, 1 different, 2 bad input."""
    if args.file and args.env:
        raise InvalidArgument("give either ENV or --file, not both")
    if args.file:
        report = service.notebook_lock_report(Path(args.notebook), Path(args.file))
    else:
        report = service.notebook_report(Path(args.notebook), args.env or service.active().prefix)
    if report["recorded"] is None:
        raise InvalidArgument(f"{Path(args.notebook).name} has no record of what it ran with")
    if args.json:
        print_json(report)
    else:
        name = report["lock"]["file"] if report["lock"] else (report["environment"] or {}).get("name", "?")
        print(f"{args.notebook} ran with {report['recorded'].get('environment')!r}; compared with {name}")
        for item in report["differences"]:
            print(f"  {item['text']}")
        print("same packages" if not report["count"] else f"{report['count']} different")
    return EXIT_DRIFT if report["count"] else EXIT_OK


def cmd_project(service: EnvService, args: argparse.Namespace) -> int:
    """Print the project's environment; exit 0 exists and in sync, 1 not created or drifted, 2 none."""
    start = Path(args.path or ".").absolute()
    if not start.exists():
        raise InvalidArgument(f"{args.path}: no such file or folder")
    found = service.project(Path(os.path.realpath(start)), stop=Path(start.anchor))
    if args.json:
        print_json(found.to_json())
    elif found.found:
        print_project(found)
    if not found.found:
        looked = ", ".join(found.looked_for)
        print(f"jupyter envpanel project: no {looked} in {start} or any parent", file=sys.stderr)
        return EXIT_BAD
    if found.drift_error:
        print(f"jupyter envpanel project: {found.drift_error['message']}", file=sys.stderr)
        return EXIT_BAD
    drifted = bool(found.drift and found.drift["drift_count"])
    return EXIT_DRIFT if not found.exists or drifted else EXIT_OK
