"""`python -m jupyter_envpanel` runs the CLI."""

from .cli import main

raise SystemExit(main())
