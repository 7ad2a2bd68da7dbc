"""Definitions read into typed entries with file, line and column; imports base, conda.

environment.yml, pip requirements files, and each entry's spec semantics (conda MatchSpec, PEP 508
and PEP 440); the room for manifests and lock files.
"""
