"""What a project asks for, read into typed entries with file, line and column; imports base, conda.

environment.yml, pip requirements files, manifests (pyproject.toml, pixi.toml, Pipfile), each
entry's spec semantics (conda MatchSpec, PEP 508 and PEP 440), the `Target` a definition is read
for, and the TOML and YAML helpers that place a key; it never imports `locks`.
"""
