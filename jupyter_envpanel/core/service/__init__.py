"""Small facades per concern, composed once; imports every group, and no group imports it.

Listing, packages, drift, kernels, project and notebooks, each owning its cache and taking plain
inputs; EnvService composes them for the server, the CLI and the Python API.
"""

from .facade import DEFAULT_ENV_FILES, EnvService, ServiceOptions

__all__ = ["DEFAULT_ENV_FILES", "EnvService", "ServiceOptions"]
