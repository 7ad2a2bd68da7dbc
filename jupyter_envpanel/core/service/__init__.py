"""The service: small facades per concern (listing, packages, drift, kernels, project, notebooks).

May import every other group of core/; nothing in core/ imports it.
"""

from .facade import DEFAULT_ENV_FILES, EnvService, ServiceOptions

__all__ = ["DEFAULT_ENV_FILES", "EnvService", "ServiceOptions"]
