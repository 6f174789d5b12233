"""Deciding when coverage is unusual: the volume-spike detector of the alert rules (issue #11).

Pure computation: timestamps per series in, alerts out; no database, no files, no clock. ``grid`` bins a
series' publication times into 10-minute slots; ``tails`` has the negative-binomial and Poisson upper-tail
probabilities (numpy only, no scipy); ``detector`` is the spike test (hour-of-week baseline blended with the
recent days, sliding 1 h and 2 h windows, minimum count, cool-down) and the alert with its Vietnamese "why";
``plain`` is the plain hour-of-week Poisson test the issue compares against; ``rows`` turns input rows
(``published``, ``topics``/``label``, ``source``, ``language``) into events and counts the bad ones.
The method and its numbers are documented in ``docs/alerts.md``.

The detector modules above may import numpy and the standard library, of bantin nothing. The DB-facing part
is apart: ``rules`` (alert rules: ``store``, ``classify``'s taxonomy keys), ``evaluate`` (which rules fire:
``store``, ``queue``'s home country and rule criteria, ``search``'s query match, ``sources``' health thresholds,
``app``'s audit) and ``deliver`` (the alerts' emails and webhooks: ``delivery``, ``store``, ``app``'s settings);
docs/alerts.md.
"""
