"""Channel names and channel matching under condarc settings: mirrors, custom channels, local folders."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.conda.channels import (
    channel_context,
    channel_matches,
    channel_name,
    parse_channel_value,
)

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
MIGRATED_CUSTOM = {  # conda's tests/models/test_channel.py::test_migrated_custom_channels
    "custom_channels": {"darwin": "https://some.url.somewhere/stuff"},
    "migrated_custom_channels": {"darwin": "s3://just/cant"},
}
#: A custom channel served under another's folder: conda tries custom channels longest name first.
NESTED_CUSTOM = {
    "custom_channels": {
        "lab": "https://corp.example/channels",
        "projects": "https://corp.example/channels/lab",
    }
}
NEW_ALIAS = {
    "channel_alias": "ftp://new.url:8082",
    "migrated_channel_aliases": ["https://conda.anaconda.org"],
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
    ({}, "https://mirror.corp/X/", "https://mirror.corp/X"),  # a one-letter channel is still a channel
    (
        {"custom_channels": {"labX": "https://corp.example/channels"}},
        "https://corp.example/channels/labX/linux-64",
        "labX",
    ),
    (NESTED_CUSTOM, "https://corp.example/channels/lab/projects/linux-64", "projects"),  # longest name first
    (NESTED_CUSTOM, "https://corp.example/channels/lab/other/linux-64", "lab/other"),
    # conda's tests/models/test_channel.py (tests/data/conda_model_vectors.json has conda's answers)
    ({}, "file:///conda-01", "file:///conda-01"),  # a folder at the root keeps its three slashes
    ({}, "file:///machine/shared_folder/linux-64", "file:///machine/shared_folder"),
    ({}, "file://\\machine\\shared_folder\\path\\conda", "file:///machine/shared_folder/path/conda"),
    ({}, "https://conda.anaconda.org/channel-name/notices.json", "channel-name"),  # a file, not a channel
    ({}, "https://conda.anaconda.org/conda-forge/noarch/repodata.json", "conda-forge"),
    ({}, "https://anaconda.org/conda-forge%21/linux-64", "https://anaconda.org/conda-forge!"),
    (MIGRATED_CUSTOM, "s3://just/cant/darwin/osx-64", "darwin"),
    (MIGRATED_CUSTOM, "https://some.url.somewhere/stuff/darwin/label/dev", "darwin/label/dev"),
    # conda 26.7.1 with HOME=/home/alice: Channel("~/x").canonical_name (path_to_url expands `~`)
    ({"home": "/home/alice"}, "~/x", "file:///home/alice/x"),
    ({"home": "/home/alice"}, "~/chan/sub", "file:///home/alice/chan/sub"),
    ({"home": "/home/alice"}, "~", "file:///home/alice"),
    ({"home": "/home/alice"}, "~bob/x", "file:///~bob/x"),  # another user's home: not guessed
]


@pytest.mark.parametrize(
    "settings,value,name",
    NAME_CASES,
    ids=[f"{'-'.join(s) or 'plain'} {v}".replace("\\", "/") for s, v, _ in NAME_CASES],  # no backslash ids
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
    ({}, "conda-bld", "~/conda-bld/linux-64", True),  # a folder under home is a local channel
    (MIRROR_ALIAS, "conda-forge", f"{ARTIFACTORY}/remote/conda-forge/linux-64", True),
    (MIRROR_ALIAS, "bioconda", f"{ARTIFACTORY}/remote/conda-forge/linux-64", False),
    (CONDA_PATH_ALIAS, "bioconda", "http://10.2.3.4:7070/conda/bioconda/linux-64", True),
    # `~/chan::pkg` in an environment file; conda records the installed package's channel expanded
    ({"home": "/home/alice"}, "~/chan", "file:///home/alice/chan/linux-64", True),
    ({"home": "/home/alice"}, "~/chan", "file:///home/bob/chan/linux-64", False),
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


def test_a_migrated_alias_moves_a_channel_to_the_new_alias_with_its_scheme():
    """conda's test_old_channel_alias: conda.anaconda.org/conda-forge now lives at ftp://new.url:8082."""
    ctx = channel_context(**NEW_ALIAS)
    channel = parse_channel_value("https://conda.anaconda.org/conda-forge/osx-64/pkg-1-0.tar.bz2", ctx)
    assert (channel.base_url, channel.platform) == ("ftp://new.url:8082/conda-forge", "osx-64")
    assert channel_matches(
        "ftp://new.url:8082/conda-forge", "https://conda.anaconda.org/conda-forge/noarch", ctx
    )


def test_a_migrated_custom_channel_is_served_from_its_new_location():
    """migrated_custom_channels: a record from the old location is the custom channel, at its new URL."""
    ctx = channel_context(**MIGRATED_CUSTOM)
    channel = parse_channel_value("s3://just/cant/darwin/osx-64", ctx)
    assert (channel.scheme, channel.location, channel.name) == ("https", "some.url.somewhere/stuff", "darwin")
    assert channel_matches("https://some.url.somewhere/stuff/darwin", "s3://just/cant/darwin/noarch", ctx)
    assert not channel_matches("https://some.url.somewhere/stuff/darwin", "s3://other/cant/darwin", ctx)


def test_a_local_channel_at_the_root_is_exported_with_its_file_url(world):
    """A package from file:///conda-01 names that channel in an export, as conda names it."""
    world.conda_env(
        world.home / "miniconda3" / "envs" / "local",
        python="3.11.7",
        packages=[("mypkg", "1.0", "0", "file:///conda-01"), ("other", "2.0", "0", "file:///conda-01")],
        requested=["mypkg", "other"],
    )
    from jupyter_envpanel.core.service import EnvService

    service = EnvService(world.host())
    text = service.export(service.find("local"))
    assert 'channels:\n  - "file:///conda-01"\n' in text  # quoted (a colon), read back as written
