"""Channel URLs taken apart as conda takes them: scheme, location, platform, a file name dropped."""

from __future__ import annotations

from jupyter_envpanel.core.conda.channels import channel_name
from jupyter_envpanel.core.conda.channelurl import join, split_url


def test_a_package_served_at_a_servers_root_leaves_the_server_as_its_channel():
    """`https://mirror.corp/linux-64/pkg-1.0-0.conda`: the channel is the server itself, as for conda."""
    assert split_url("https://mirror.corp/linux-64/pkg-1.0-0.conda") == ("https", "mirror.corp", "linux-64")
    assert split_url("https://mirror.corp/repodata.json") == ("https", "mirror.corp", None)


def test_a_channel_url_with_nothing_after_its_scheme_is_named_by_its_scheme():
    """A record whose channel is a bare `https://` or `file:///` is named as written, not an error."""
    assert join() == join(None, "") == ""
    assert (channel_name("https://"), channel_name("file:///")) == ("https://", "file://")
