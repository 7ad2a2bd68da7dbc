"""`list`, `show`, `packages`, `kernels`, `register`, `unregister`: environments as they are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .clitext import EXIT_DRIFT, EXIT_OK, print_json, table

if TYPE_CHECKING:  # `list`, `show` and `kernels` never import the drift chain
    from .core.service import EnvService


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
