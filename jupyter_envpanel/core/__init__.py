"""The pure core of jupyter-envpanel, grouped by concern; no tornado, jupyter_server or traitlets.

Groups and what each may import are in docs/architecture.md (checked by tests/repo/test_architecture.py):
base <- conda <- environments, packages, requirements <- drift, kernels, project, jobs, notebooks <- service.
"""
