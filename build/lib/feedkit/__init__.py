"""feedkit: feeds and an email digest from a folder of Markdown posts."""

__version__ = "0.1.0"
