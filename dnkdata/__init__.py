"""dnkdata: Daily NK articles as a citable dataset (quotes, places, officials, prices) in validated Parquet."""

__version__ = "0.1.0"

import os  # noqa: E402

# polars allocates with jemalloc, which by default keeps freed pages for ten seconds before giving them back. A
# build frees each table before making the next, so giving them back soon keeps its peak memory near what it
# really uses (~150 MiB less at 100,000 captures). Not at once: pages freed and soon needed again would be
# faulted back in (a fifth more time in an incremental build); 100 ms keeps both costs low. Only takes effect if
# polars is not loaded yet; a value set by the user wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")

from dnkdata.loader import load, releases  # noqa: E402 - after __version__, which the modules import

__all__ = ["__version__", "load", "releases"]
