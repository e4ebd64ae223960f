"""Single source of the package version (read by setuptools without importing the package)."""

__version__ = "0.2.0"
