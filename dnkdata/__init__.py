"""dnkdata: Daily NK articles as a citable dataset (quotes, places, officials, prices) in validated Parquet."""

__version__ = "0.1.0"
