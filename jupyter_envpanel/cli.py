"""`jupyter envpanel ...`: the same JSON as the REST API, readable tables without --json."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .clitext import print_drift, print_project, table
from .core.base.errors import EnvPanelError, InvalidArgument
from .settings import service_from_config

if TYPE_CHECKING:  # `list`, `show` and `kernels` never import the drift chain
    from .core.service import EnvService

EXIT_OK, EXIT_DRIFT, EXIT_BAD = 0, 1, 2


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


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with one line on stderr."""

    def error(self, message: str) -> NoReturn:
        """Print a one-line usage error and exit 2."""
        self.exit(EXIT_BAD, f"jupyter envpanel: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the CLI's argument parser."""
    parser = _Parser(prog="jupyter envpanel", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="all environments").add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one environment and its packages")
    show.add_argument("env", help="a name from `list` or a prefix path")
    show.add_argument("--json", action="store_true")
    drift = sub.add_parser("drift", help="compare an environment with environment.yml")
    drift.add_argument("env", nargs="?", help="name or prefix (default: the active env)")
    drift.add_argument(
        "--file",
        help="environment.yml, requirements*.txt, pyproject.toml, pixi.toml, Pipfile, or a lock file:"
        " uv.lock, pixi.lock, poetry.lock, Pipfile.lock, conda-lock.yml, an @EXPLICIT file"
        " (default: the nearest environment.yml or lock file upwards)",
    )
    drift.add_argument("--strict", action="store_true", help="unrequested packages count as drift")
    drift.add_argument("--json", action="store_true")
    drift.add_argument(
        "--fix-command", action="store_true", help="print only the commands that fix the drift (never run)"
    )
    export = sub.add_parser(
        "export", help="write an environment down as environment.yml (what you asked for, pinned)"
    )
    export.add_argument("env", help="a name from `list` or a prefix path")
    export.add_argument("--file", help="write this new file (never overwritten) instead of printing")
    check = sub.add_parser("check", help="compare what a notebook ran with and an environment now")
    check.add_argument("notebook", help="a .ipynb saved with jupyter-envpanel's record")
    check.add_argument("env", nargs="?", help="name or prefix (default: the active env)")
    check.add_argument("--file", help="compare with this lock file instead (uv.lock, pixi.lock, ...)")
    check.add_argument("--json", action="store_true")
    packages = sub.add_parser("packages", help="which environments have a package, and which version")
    packages.add_argument("query", help="a package name, or part of one")
    packages.add_argument("--json", action="store_true")
    project = sub.add_parser("project", help="the project's environment, whether it exists, its drift")
    project.add_argument("path", nargs="?", help="a folder or notebook (default: the current directory)")
    project.add_argument("--json", action="store_true")
    sub.add_parser("kernels", help="every kernel and its environment").add_argument(
        "--json", action="store_true"
    )
    for name in ("register", "unregister"):
        cmd = sub.add_parser(name, help=f"{name} persistent kernelspecs for an environment")
        cmd.add_argument("env")
    from .clirun import add_parser

    add_parser(sub)
    return parser


def cmd_list(service: EnvService, args: argparse.Namespace) -> int:
    """Print every environment."""
    listing = service.listing()
    if args.json:
        print_json(listing.to_json())
        return EXIT_OK
    rows = [
        (
            ("* " if e.is_server else "  ") + e.name,
            e.kind,
            e.python_version or "-",
            str(e.package_count),
            ", ".join(k.name for k in e.kernels) or "-",
            e.prefix,
        )
        for e in listing.environments
    ]
    print(table(rows, ("  NAME", "KIND", "PYTHON", "PKGS", "KERNELS", "PREFIX")))
    for warning in listing.warnings + tuple(w for e in listing.environments for w in e.warnings):
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_show(service: EnvService, args: argparse.Namespace) -> int:
    """Print one environment and its packages."""
    data = service.show(args.env, allow_any_prefix=True)
    if args.json:
        print_json(data)
        return EXIT_OK
    print(f"{data['name']}  ({data['kind']}, python {data['python_version'] or '-'})  {data['prefix']}")
    rows = [
        (
            p["name"],
            p["version"],
            p["build"] or "-",
            p["channel"] or p["installer"] or "-",
            "yes" if p["requested"] else "",
        )
        for p in data["packages"]
    ]
    print(table(rows, ("NAME", "VERSION", "BUILD", "CHANNEL", "REQUESTED")))
    for warning in data["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


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


def cmd_packages(service: EnvService, args: argparse.Namespace) -> int:
    """Print the environments that have a package named like the query; exit 1 when none has."""
    answer = service.packages(args.query)
    if args.json:
        print_json(answer)
    elif answer["matches"]:
        rows = [
            (m["name"], m["version"], m["source"], m["environment"], m["prefix"]) for m in answer["matches"]
        ]
        print(table(rows, ("PACKAGE", "VERSION", "SOURCE", "ENVIRONMENT", "PREFIX")))
    else:
        print(f"no environment has a package named like {args.query!r}")
    return EXIT_OK if answer["matches"] else EXIT_DRIFT


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


def cmd_kernels(service: EnvService, args: argparse.Namespace) -> int:
    """Print every kernel Jupyter would offer and the environment it runs in."""
    from .kernelspec import EnvPanelKernelSpecManager

    manager = EnvPanelKernelSpecManager(service=service)
    items = []
    for name, entry in sorted(manager.all_specs().items()):
        env, prefix = service.environment_of_spec(entry["spec"])
        items.append(
            {
                "name": name,
                "display_name": entry["spec"].get("display_name", name),
                "language": entry["spec"].get("language", ""),
                "environment": env.ref() if env else None,
                "prefix": prefix,
            }
        )
    if args.json:
        print_json({"kernels": items})
    else:
        rows = [
            (k["name"], k["display_name"], (k["environment"] or {}).get("name", "?"), k["prefix"] or "-")
            for k in items
        ]
        print(table(rows, ("KERNEL", "DISPLAY NAME", "ENVIRONMENT", "PREFIX")))
    return EXIT_OK


def cmd_register(service: EnvService, args: argparse.Namespace) -> int:
    """Write persistent kernelspecs for an environment."""
    for name in service.register(args.env):
        print(f"registered {name}")
    return EXIT_OK


def cmd_unregister(service: EnvService, args: argparse.Namespace) -> int:
    """Remove the kernelspecs jupyter-envpanel registered for an environment."""
    from jupyter_core.paths import jupyter_path

    removed = service.unregister(args.env, [Path(d) for d in jupyter_path("kernels")])
    for name in removed:
        print(f"unregistered {name}")
    if not removed:
        print(f"nothing to unregister: no kernelspec of {args.env} was registered by jupyter-envpanel")
    return EXIT_OK


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "drift": cmd_drift,
    "packages": cmd_packages,
    "export": cmd_export,
    "check": cmd_check,
    "project": cmd_project,
    "kernels": cmd_kernels,
    "register": cmd_register,
    "unregister": cmd_unregister,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every failure is one line on stderr and exit code 2 (`--debug`: a traceback)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":  # builds its own service, rooted where the command runs
            from .clirun import cmd_run

            return cmd_run(args)
        return COMMANDS[args.command](service_from_config(), args)
    except EnvPanelError as err:
        _complain(args, str(err))
        return EXIT_BAD
    except BrokenPipeError:  # `| head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug or data no check foresaw: one line, the traceback on request
        if args.debug:
            raise
        _complain(args, f"unexpected {type(err).__name__} (run with --debug for the traceback)")
        return EXIT_BAD


def _complain(args: argparse.Namespace, message: str) -> None:
    """Print one line on stderr: the command and what went wrong (never a file's contents)."""
    line = " ".join(message.split())
    print(f"jupyter envpanel {args.command}: {line[:500]}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
