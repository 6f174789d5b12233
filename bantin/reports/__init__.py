"""Reports as data (the web UI draws them): coverage volume per Vietnamese calendar day by topic, outlet or
language; domestic against foreign outlets; the office's response times per priority.

Owns: the report queries (``coverage``, ``domestic_foreign``, ``response_times``) and the day bucketing in
Asia/Ho_Chi_Minh on SQLite and PostgreSQL (``days``). May import ``store`` only; the API
(``bantin.api.routes.reports``) and the CLI wire it. Principle 1 (docs/principles.md): reports count
publishers' coverage and the office's own work, never people.
"""

from bantin.reports.coverage import coverage, domestic_foreign
from bantin.reports.days import MAX_RANGE_DAYS, RangeError, day_range
from bantin.reports.response_times import response_times

__all__ = ["MAX_RANGE_DAYS", "RangeError", "coverage", "day_range", "domestic_foreign", "response_times"]
