"""Requirements against what is installed; imports base, conda, packages, requirements, locks.

The drift report, the commands that fix it, and the export of an environment as an environment.yml
that reads back with zero drift.
"""
