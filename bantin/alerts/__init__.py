"""Deciding when coverage is unusual: the volume-spike detector of the alert rules (issue #11).

Pure computation: timestamps per series in, alerts out; no database, no files, no clock. ``grid`` bins a
series' publication times into 10-minute slots; ``tails`` has the negative-binomial and Poisson upper-tail
probabilities (numpy only, no scipy); ``detector`` is the spike test (hour-of-week baseline blended with the
recent days, sliding 1 h and 2 h windows, minimum count, cool-down) and the alert with its Vietnamese "why";
``plain`` is the plain hour-of-week Poisson test the issue compares against; ``rows`` turns input rows
(``published``, ``topics``/``label``, ``source``, ``language``) into events and counts the bad ones.
The method and its numbers are documented in ``docs/alerts.md``.

May import: numpy and the standard library; of bantin nothing (``text``/``classify`` names if ever needed).
Storing rules and alerts and delivering them is the job of later code that calls this package.
"""
