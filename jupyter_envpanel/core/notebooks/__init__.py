"""What a notebook ran with; imports base, conda, packages, requirements, locks, drift.

The record kept in a notebook's metadata, its comparison with an environment now, and reading a
notebook file for it.
"""
