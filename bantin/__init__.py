"""bantin ("bản tin"): press monitoring for a Vietnamese province's communications office."""

__version__ = "0.1.0"
