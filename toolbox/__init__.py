"""toolbox: campaign definitions in, localized leaflets and microsites out."""

__version__ = "0.1.0"
