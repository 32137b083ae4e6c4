"""dnkdata: Daily NK articles as a citable dataset (quotes, places, officials, prices) in validated Parquet."""

__version__ = "0.1.0"

from dnkdata.loader import load, releases  # noqa: E402 - after __version__, which the modules import

__all__ = ["__version__", "load", "releases"]
