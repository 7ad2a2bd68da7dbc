"""Channel names and channel matching under condarc settings: mirrors, custom channels, local folders."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.channels import channel_context, channel_matches, channel_name

MIRROR_DEFAULTS = {"default_channels": ["http://mirror.corp/pkgs/main"]}
XILINX_DEFAULTS = {"default_channels": ["https://mirror.corp/Xilinx/main"]}
CUSTOM = {"custom_channels": {"internal": "https://corp.example/channels"}}
SCIENCE = {
    "custom_multichannels": {
        "science": ["conda-forge", "bioconda"],
        "conda-forge": ["https://mirror.corp/conda-forge"],
    }
}
ARTIFACTORY = "https://artifactory.example.com/artifactory/api/conda"
MIRROR_ALIAS = {"channel_alias": f"{ARTIFACTORY}/remote"}  # an alias with a path: all of it is the location
CONDA_PATH_ALIAS = {  # conda's tests/models/test_channel.py::test_channel_alias_w_conda_path
    "channel_alias": "https://10.2.3.4:8080/conda/t/tk-123-45",
    "migrated_channel_aliases": ["https://conda.anaconda.org", "http://10.2.3.4:7070/conda"],
}

# (condarc settings, channel value of a record or a spec, canonical name)
NAME_CASES = [
    ({}, "https://conda.anaconda.org/conda-forge/linux-64", "conda-forge"),
    ({}, "https://conda.anaconda.org/conda/noarch", "conda"),  # the anaconda.org user `conda`
    ({}, "https://repo.anaconda.com/pkgs/main/linux-64", "defaults"),
    (XILINX_DEFAULTS, "https://mirror.corp/Xilinx/main/linux-64", "defaults"),
    (XILINX_DEFAULTS, "https://mirror.corp/Xilinx/other/linux-64", "https://mirror.corp/Xilinx/other"),
    (CUSTOM, "https://corp.example/channels/internal/linux-64", "internal"),
    (CUSTOM, "https://corp.example/channels/internal/sub/noarch", "internal/sub"),
    (SCIENCE, "conda-forge", "conda-forge"),  # a multichannel keeps its own name
    (SCIENCE, "science", "science"),
    (MIRROR_ALIAS, f"{ARTIFACTORY}/remote/conda-forge", "conda-forge"),
    (MIRROR_ALIAS, f"{ARTIFACTORY}/other/conda-forge/noarch", f"{ARTIFACTORY}/other/conda-forge"),
    (
        MIRROR_ALIAS,
        f"{ARTIFACTORY.replace('//', '//user:p@ss@')}/remote/conda-forge",
        "conda-forge",
    ),  # `@` in a password
    ({}, "https://user@mirror.corp/team@2/linux-64", "https://mirror.corp/team@2"),  # `@` in a path
    ({}, f"{ARTIFACTORY}/remote/conda-forge", f"{ARTIFACTORY}/remote/conda-forge"),
    (CONDA_PATH_ALIAS, "bioconda/label/dev", "bioconda/label/dev"),
    (CONDA_PATH_ALIAS, "https://10.2.3.4:8080/conda/bioconda/noarch", "bioconda"),
    (CONDA_PATH_ALIAS, "http://10.2.3.4:7070/conda/bioconda/linux-64", "bioconda"),  # migrated alias
    (CONDA_PATH_ALIAS, "https://conda.anaconda.org/conda-forge/noarch", "conda-forge"),
    (CONDA_PATH_ALIAS, "http://10.2.3.4:7070/other/x", "http://10.2.3.4:7070/other/x"),
    ({}, "https://mirror.corp/REX", "https://mirror.corp/REX"),  # only trailing slashes are cut
    (
        {"custom_channels": {"labX": "https://corp.example/channels"}},
        "https://corp.example/channels/labX/linux-64",
        "labX",
    ),
]


@pytest.mark.parametrize(
    "settings,value,name",
    NAME_CASES,
    ids=[f"{'-'.join(s) or 'plain'} {v}" for s, v, _ in NAME_CASES],
)
def test_canonical_name_under_condarc_settings(settings, value, name):
    """A record's or a spec's channel is named as conda names it with the same condarc."""
    assert channel_name(value, channel_context(**settings)) == name


# (condarc settings, channel a spec asks for, channel of the installed record, matches)
MATCH_CASES = [
    (MIRROR_DEFAULTS, "pkgs/main", "http://mirror.corp/pkgs/main/linux-64", True),
    (MIRROR_DEFAULTS, "defaults", "http://mirror.corp/pkgs/main/linux-64", True),
    (MIRROR_DEFAULTS, "pkgs/main", "https://repo.anaconda.com/pkgs/main/linux-64", False),
    (CUSTOM, "internal", "https://corp.example/channels/internal/linux-64", True),
    (CUSTOM, "internal", "https://conda.anaconda.org/internal/linux-64", False),
    ({}, "conda-bld", "file:///opt/conda-bld/linux-64", True),
    ({}, "conda-bld", "file://localhost/opt/conda-bld/linux-64", True),  # a file URL with a host
    ({}, "conda-bld", "file://localhost/opt/other/linux-64", False),
    (MIRROR_ALIAS, "conda-forge", f"{ARTIFACTORY}/remote/conda-forge/linux-64", True),
    (MIRROR_ALIAS, "bioconda", f"{ARTIFACTORY}/remote/conda-forge/linux-64", False),
    (CONDA_PATH_ALIAS, "bioconda", "http://10.2.3.4:7070/conda/bioconda/linux-64", True),
]


@pytest.mark.parametrize(
    "settings,wanted,installed,matches",
    MATCH_CASES,
    ids=[f"{'-'.join(s) or 'plain'} {w} {i}" for s, w, i, _ in MATCH_CASES],
)
def test_spec_channel_against_record_channel(settings, wanted, installed, matches):
    """`channel::pkg` accepts a record from that channel (through mirrors and custom locations) only."""
    assert channel_matches(wanted, installed, channel_context(**settings)) is matches


def test_channel_alias_location_is_its_whole_url_without_token_and_auth():
    """As conda's context.channel_alias (split_scheme_auth_token): host, port and path; no credentials."""
    alias = "https://u:p@artifactory.example.com/t/tk-1/artifactory/api/conda/remote"
    ctx = channel_context(alias, migrated_channel_aliases=["http://10.2.3.4:7070/conda"])
    assert ctx.alias.scheme == "https"
    assert ctx.alias.location == "artifactory.example.com/artifactory/api/conda/remote"
    assert ctx.migrated_aliases == ("10.2.3.4:7070/conda",)
    assert channel_context().alias.location == "conda.anaconda.org"
