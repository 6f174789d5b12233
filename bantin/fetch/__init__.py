"""Fetch policy and Scrapy's downloader side: robots.txt (RFC 9309), SSRF refusal (every spelling of
an address, at DNS-resolve time and after redirects), per-host politeness and retries, the connect timeout,
the Scrapy settings every crawl runs with, and a one-off fetch of a few URLs.

May import: ``app.settings`` and ``app.stats`` only. The spider itself lives in ``ingest`` (it drives the crawl
core).
"""
