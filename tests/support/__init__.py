"""Helpers shared by the tests: the fixture factory, servers, browsers, terminals (never a test).

Test modules import from here (`from support.factory import World`); no test module imports
another test module (tests/repo/test_layout.py checks it). tests/conftest.py puts tests/ on
sys.path, so `support` is importable from every folder under tests/.
"""

from __future__ import annotations

from pathlib import Path

#: The checkout (or mutmut's mutants/ copy of it).
REPO = Path(__file__).resolve().parents[2]
#: Tables and corpora the tests read (conda's verdicts, environment.yml shapes).
DATA = REPO / "tests" / "data"
#: Screenshots and diffs the browser tests leave for a person to look at (ignored by git).
RESULTS = REPO / "test-results"
