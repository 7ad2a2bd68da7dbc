"""Channel URLs taken apart as conda takes them: scheme, location, platform, a file name dropped."""

from __future__ import annotations

from jupyter_envpanel.core.conda.channelurl import split_url


def test_a_package_served_at_a_servers_root_leaves_the_server_as_its_channel():
    """`https://mirror.corp/linux-64/pkg-1.0-0.conda`: the channel is the server itself, as for conda."""
    assert split_url("https://mirror.corp/linux-64/pkg-1.0-0.conda") == ("https", "mirror.corp", "linux-64")
    assert split_url("https://mirror.corp/repodata.json") == ("https", "mirror.corp", None)
