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
]


@pytest.mark.parametrize(
    "settings,wanted,installed,matches",
    MATCH_CASES,
    ids=[f"{'-'.join(s) or 'plain'} {w} {i}" for s, w, i, _ in MATCH_CASES],
)
def test_spec_channel_against_record_channel(settings, wanted, installed, matches):
    """`channel::pkg` accepts a record from that channel (through mirrors and custom locations) only."""
    assert channel_matches(wanted, installed, channel_context(**settings)) is matches
