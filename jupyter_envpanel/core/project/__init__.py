"""A folder's project definition and the environment it names; imports base.

environment.yml, pixi, pyproject / uv / requirements definitions, and the commands that create
the environment for the tools found.
"""
