"""`jupyter envpanel ...`: the same JSON as the REST API, readable tables without --json."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from .clidrift import cmd_check, cmd_drift, cmd_export, cmd_project
from .clienvs import cmd_kernels, cmd_list, cmd_packages, cmd_register, cmd_show, cmd_unregister
from .clitext import EXIT_BAD, EXIT_CANCELLED, EXIT_OK
from .core.base.errors import EnvPanelError
from .settings import service_from_config


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
        return EXIT_CANCELLED
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
