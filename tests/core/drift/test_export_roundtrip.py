"""Export round-trips by construction: any environment, written down, reads back with zero drift.

Hypothesis makes environments whose names, versions, builds, channels and pip names hold what
breaks YAML writers (indicators, numbers, booleans, leading `-`/`*`/`!`, quotes, line breaks,
control characters, unicode and astral characters). For each, the environment.yml our exporter
writes (and the one a notebook's record recreates) must parse with our own parser with zero
drift against its source, and ruamel.yaml (YAML 1.2, what conda reads with) must read the same
values as PyYAML (YAML 1.1). What we write, we can read: a record we write is one we accept.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from jupyter_envpanel.core.base.model import Environment
from jupyter_envpanel.core.base.yamltext import comment, scalar
from jupyter_envpanel.core.conda.channels import DEFAULT_CONTEXT
from jupyter_envpanel.core.drift.export import export_text
from jupyter_envpanel.core.drift.report import check
from jupyter_envpanel.core.notebooks.record import export_record, read_record, record
from jupyter_envpanel.core.packages.inventory import Inventory, Package
from jupyter_envpanel.core.requirements.envfile import parse_envfile

TRICKY = [
    "yes", "No", "ON", "off", "y", "n", "null", "~", "true", "1e3", "0o17", "0x1F", "1_000", "1.10",
    ".inf", "-.inf", ".nan", "2024-01-01", "12:30", "*y", "!x", ">z", "|p", "&a", "%t", "@at", "`b",
    "#c", "-rf", "- x", "? q", ": c", "a: b", "a #b", "'s'", '"d"', "[l]", "{m}", "a,b", "",
]  # fmt: skip
ALPHABET = st.sampled_from(
    list("abcxyz019.-_+!*&|>%@#:,[]{}'\"\\ =<~/") + ["\n", "\t", "\r", "\x00", "\x15", "\x85", "\u2028"]
    + ["é", "ß", "中", "ü", "\u200d", "\ufeff", "😀", "𝔘", "\U0001f40d"]
)  # fmt: skip
TEXT = st.one_of(st.sampled_from(TRICKY), st.text(ALPHABET, min_size=1, max_size=12))
NAME = st.one_of(st.from_regex(r"[a-z][a-z0-9_.\-]{0,10}", fullmatch=True), TEXT)
VERSION = st.one_of(st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}([a-z]+[0-9]?)?", fullmatch=True), TEXT)
BUILD = st.one_of(st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True), TEXT)
CHANNEL = st.one_of(
    st.sampled_from(["https://conda.anaconda.org/conda-forge", "https://repo.anaconda.com/pkgs/main", ""]),
    TEXT,
)


@st.composite
def inventories(draw) -> Inventory:
    """Return an environment's inventory with tricky conda packages and pip distributions, all requested."""
    conda = {}
    for name in draw(st.lists(NAME, max_size=6, unique_by=str.lower)):
        pkg = Package(name, draw(VERSION), "conda", build=draw(BUILD), channel_url=draw(CHANNEL))
        conda[name.lower()] = pkg
    pip = {}
    for name in draw(st.lists(NAME, max_size=6)):
        from packaging.utils import canonicalize_name

        key = canonicalize_name(name, validate=False)
        pip[key] = Package(name, draw(VERSION), "pip", installer="pip", requested=True)
    python = draw(st.one_of(st.none(), st.sampled_from(["3.11.7", "3.12.1"])))
    if python:
        conda["python"] = Package("python", python, "conda", build="h0_cpython")
    return Inventory("/envs/x", python, conda, pip, frozenset(k for k in conda if k != "python"))


def yaml_readers_agree(text: str) -> dict:
    """Return what PyYAML reads, after checking ruamel.yaml (YAML 1.2, as conda) reads the same."""
    ours = yaml.safe_load(text)
    conda = YAML(typ="safe", pure=True).load(text)
    assert ours == conda
    return ours


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_every_scalar_reads_back_as_itself_in_yaml_1_1_and_1_2(text):
    document = f"key: {scalar(text)}\n{comment(text)}\nother: 1\n"
    assert yaml_readers_agree(document) == {"key": text, "other": 1}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inv=inventories(), name=TEXT)
def test_an_export_reads_back_with_zero_drift(tmp_path_factory, inv, name):
    env = Environment(name=name, prefix="/envs/x", kind="conda")
    text = export_text(env, inv, DEFAULT_CONTEXT)
    data = yaml_readers_agree(text)
    path = tmp_path_factory.mktemp("export") / "environment.yml"
    parsed = parse_envfile(path, text=text)
    assert parsed.name == name == data["name"]
    assert list(parsed.channels) == (data.get("channels") or [])
    report = check(env.ref(), parsed, inv, ctx=DEFAULT_CONTEXT)
    assert report.drift_count == 0, [r for r in report.requirements if r.status != "ok"]
    written = len(parsed.requirements)
    omitted = int(text.split("# left out: ")[1].split()[0]) if "# left out: " in text else 0
    assert written + omitted == len(inv.requested_conda) + len(inv.pip) + (1 if inv.python_version else 0)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inv=inventories(), name=TEXT, digest=TEXT)
def test_a_record_we_write_we_read_and_its_export_reads_back(tmp_path_factory, inv, name, digest):
    env = Environment(name=name, prefix="/envs/x", kind="conda")
    ran = {**record(env, inv, DEFAULT_CONTEXT), "digest": digest}
    assert read_record({"envpanel": {"ran_with": ran}}) == ran
    text = export_record(ran)
    data = yaml_readers_agree(text)
    assert set(data) <= {"name", "channels", "dependencies"}  # a digest never injects keys
    parsed = parse_envfile(tmp_path_factory.mktemp("record") / "environment.yml", text=text)
    assert parsed.name == name or (name == "" and parsed.name == "notebook")
