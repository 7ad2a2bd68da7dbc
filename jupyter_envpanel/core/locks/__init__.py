"""What a lock file pinned, read into one `Lock`; imports base, requirements.

uv.lock, pixi.lock, poetry.lock, Pipfile.lock, conda-lock.yml and `@EXPLICIT` files, each entry
with its place, markers evaluated for the environment's Python, and staleness said as each tool
says it; `dispatch` picks the reader of any definition file (it sees both groups).
"""
