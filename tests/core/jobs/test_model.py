"""Actions and jobs as values: commands free of control characters, records that read back."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.commands import UnsafeText
from jupyter_envpanel.core.jobs.model import Action, Job


def action(*steps: tuple[str, ...]) -> Action:
    return Action("create", "my env", "/p/my env", "conda", steps or (("conda", "env", "create"),), "/root")


def test_the_command_quotes_every_argument_once_and_joins_steps():
    made = action(("uv", "venv", "my env/.venv"), ("uv", "pip", "install", "-r", "it's.txt"))
    assert made.command == "uv venv 'my env/.venv' && uv pip install -r 'it'\"'\"'s.txt'"
    assert made.to_json()["argv"] == [
        ["uv", "venv", "my env/.venv"],
        ["uv", "pip", "install", "-r", "it's.txt"],
    ]


@pytest.mark.parametrize("bad", ["a\nb", "esc\x1b[2J", "cr\r", "bidi\u202e"])
def test_no_action_holds_a_control_character(bad):
    with pytest.raises(UnsafeText):
        action(("conda", "install", bad))


def test_an_action_has_steps_and_no_empty_one():
    with pytest.raises(ValueError):
        Action("create", "e", "k", "t", (), "/")
    with pytest.raises(ValueError):
        Action("create", "e", "k", "t", ((),), "/")


def test_a_record_reads_back_as_the_same_job_and_elapsed_counts_to_the_end():
    job = Job("0123456789ab", action(), "failed", 1, "CondaError: x", 100.0, 107.5, 0, 45.0, 3, "why")
    assert Job.from_record(job.to_record()) == job
    assert job.to_json(now=500.0)["elapsed"] == 7.5
    running = Job("0123456789ab", action(), started=100.0)
    assert running.to_json(now=102.0)["elapsed"] == 2.0 and running.to_json(now=102.0)["progress"] is None


@pytest.mark.parametrize(
    "change", [{"state": "done"}, {"action": "rm -rf"}, {"argv": [["conda", "x\x1b"]]}, {"started": "soon"}]
)
def test_a_record_that_is_not_a_job_is_refused(change):
    record = {**Job("0123456789ab", action(), started=1.0).to_record(), **change}
    with pytest.raises((ValueError, TypeError)):
        Job.from_record(record)
