"""foreign-explorer: predict a distribution registry's verdict on an image's foreign layers."""

__version__ = "0.1.0"
