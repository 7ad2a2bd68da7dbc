"""condarc files read for what jupyter-envpanel needs: envs dirs and the settings that name channels."""

from __future__ import annotations

from pathlib import Path

from jupyter_envpanel.core.conda.channels import channel_name
from jupyter_envpanel.core.conda.condarc import settings_for


def test_custom_channels_in_a_condarc_name_the_channels_served_from_them(tmp_path):
    """`custom_channels: {internal: https://corp.example/channels}`: its packages are from `internal`."""
    condarc = tmp_path / ".condarc"
    condarc.write_text("custom_channels:\n  internal: https://corp.example/channels\n")
    ctx = settings_for([condarc], Path).channels()
    assert channel_name("https://corp.example/channels/internal/linux-64", ctx) == "internal"
    assert channel_name("https://corp.example/channels/other/linux-64", ctx) == (
        "https://corp.example/channels/other"
    )
