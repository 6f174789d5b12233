"""coverage_days on PostgreSQL: statement-level triggers with transition tables instead of row triggers

Revision ID: 0012_rollup_statement_triggers
Revises: 0011_audit_action_index
Create Date: 2026-12-01

0008_coverage_days's PostgreSQL row triggers upsert ``coverage_days`` once per article: a statement (or a
transaction) of many articles of one day, outlet, topic and language updates the same row once per article,
and each update of a row already updated in the transaction costs more than the last (PostgreSQL keeps
every version until the transaction ends): 20,000 articles in one transaction took 18 s, quadratic
(docs/benchmarks.md, the rollup section). Here each statement that writes ``articles`` or
``classifications`` sums its rows per key from its transition tables (``REFERENCING NEW TABLE / OLD TABLE``)
and writes each key once, in one ``INSERT ... ON CONFLICT DO UPDATE`` (keys in order: two writers lock
the rows they share in the same order). What a statement changes is the same as 0008's:

- articles inserted: +1 at each one's key (with its classification, if one is already there);
- articles updated: -1 at the key of each old (id, published_at, source_id, language) that the statement
  did not also write back unchanged, +1 at each new one (``EXCEPT ALL``: an update of other columns, e.g.
  ``cluster_id``, changes nothing); PostgreSQL allows no column list on a trigger with transition tables,
  so this one runs after every update statement of ``articles`` (one cheap query when nothing moved);
- articles deleted: -1 at each one's key. The classification part of that key is gone by the time an AFTER
  trigger runs (``ON DELETE CASCADE`` deletes it in row triggers that run first), so a BEFORE DELETE row
  trigger copies each dated article's classification into ``coverage_days_leaving`` (an insert, no hot
  row) and the statement's AFTER trigger takes it back out; the table is empty between statements;
- classifications inserted, updated or deleted: the article's count moves between the unclassified key
  and the classified one, only while the article exists (as in 0008: updates by ``EXCEPT ALL`` as above).

What is left: a transaction of many one-row statements of one key (psycopg's plain ``executemany`` sends
one statement a row) still updates that row once per statement; bulk writers send many rows a statement
(``INSERT ... SELECT``, multi-row ``VALUES``: SQLAlchemy's executemany with RETURNING, ``COPY``).

SQLite keeps 0008's row triggers: it has no transition tables, and it updates a row in place (no version
per update), so many rows of one key in one transaction cost each the same. ``ENABLE ALWAYS`` as in 0008
(bench/build_db.py's bulk copy runs under ``session_replication_role = replica``). The downgrade puts
0008's row triggers back (its own SQL, read from that revision). The counts are right before and after
either step, so neither recounts; both lock the two tables against writes while the triggers change.
"""

from __future__ import annotations

from alembic import op

from bantin.store.migrations import revision_module

revision = "0012_rollup_statement_triggers"
down_revision = "0011_audit_action_index"
branch_labels = None
depends_on = None

KEY = "day, relevance, top_topic, source_id, language"
PG_DAY = "CAST(timezone('Asia/Ho_Chi_Minh', {t}.published_at) AS DATE)"
LEAVING = "coverage_days_leaving"
# (table, trigger, function, timing and event, REFERENCING clause, FOR EACH)
TRIGGERS = (
    ("articles", "coverage_days_articles_ins", "bantin_coverage_days_articles_ins", "AFTER INSERT",
     "NEW TABLE AS new_rows", "STATEMENT"),
    ("articles", "coverage_days_articles_upd", "bantin_coverage_days_articles_upd", "AFTER UPDATE",
     "OLD TABLE AS old_rows NEW TABLE AS new_rows", "STATEMENT"),
    ("articles", "coverage_days_articles_leave", "bantin_coverage_days_articles_leave", "BEFORE DELETE", "", "ROW"),
    ("articles", "coverage_days_articles_del", "bantin_coverage_days_articles_del", "AFTER DELETE",
     "OLD TABLE AS old_rows", "STATEMENT"),
    ("classifications", "coverage_days_class_ins", "bantin_coverage_days_class_ins", "AFTER INSERT",
     "NEW TABLE AS new_rows", "STATEMENT"),
    ("classifications", "coverage_days_class_upd", "bantin_coverage_days_class_upd", "AFTER UPDATE",
     "OLD TABLE AS old_rows NEW TABLE AS new_rows", "STATEMENT"),
    ("classifications", "coverage_days_class_del", "bantin_coverage_days_class_del", "AFTER DELETE",
     "OLD TABLE AS old_rows", "STATEMENT"),
)
ARTICLE_COLS = "id, published_at, source_id, language"
CLASS_COLS = "article_id, relevance, top_topic"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps 0008's row triggers
    old = revision_module("0008_coverage_days.py")
    op.execute("LOCK TABLE articles, classifications IN SHARE ROW EXCLUSIVE MODE")
    for table, name in old.PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in old.PG_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute(f"CREATE UNLOGGED TABLE {LEAVING} (article_id bigint PRIMARY KEY, relevance text NOT NULL, "
               "top_topic text NOT NULL)")  # unlogged: no row outlives the statement that wrote it
    for table, name, function, when, referencing, each in TRIGGERS:
        op.execute(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"{_BODIES[name]} END $$")
        refs = f" REFERENCING {referencing}" if referencing else ""
        op.execute(f"CREATE TRIGGER {name} {when} ON {table}{refs} FOR EACH {each} EXECUTE FUNCTION {function}()")
        op.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("LOCK TABLE articles, classifications IN SHARE ROW EXCLUSIVE MODE")
    for table, name, function, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.execute(f"DROP TABLE IF EXISTS {LEAVING}")
    for statement in revision_module("0008_coverage_days.py")._pg_ddl():
        op.execute(statement)


def _add(deltas: str) -> str:
    """One upsert of ``deltas`` (rows of the key's five columns and ``n``) summed per key; undated rows and
    keys whose changes cancel out are not written."""
    return (f"INSERT INTO coverage_days AS cd ({KEY}, n) SELECT {KEY}, sum(n) FROM ({deltas}) d "
            f"WHERE day IS NOT NULL GROUP BY {KEY} HAVING sum(n) <> 0 ORDER BY {KEY} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = cd.n + EXCLUDED.n;")


def _articles(rows: str, n: int, classes: str) -> str:
    """The key of each article of ``rows`` (alias ``a``), ``n`` each, classified as ``classes`` (alias
    ``c``, joined on the article's id; none: unclassified)."""
    return (f"SELECT {PG_DAY.format(t='a')} AS day, coalesce(c.relevance, '') AS relevance, "
            "coalesce(c.top_topic, '') AS top_topic, coalesce(a.source_id, 0) AS source_id, "
            f"coalesce(a.language, '') AS language, {n} AS n FROM {rows} a LEFT JOIN {classes} c "
            "ON c.article_id = a.id")


def _moved(rows: str, sign: int) -> str:
    """Classifications ``rows`` arriving (``sign`` 1) or leaving (-1): each existing article's count moves
    from its unclassified key to its classified one (or back)."""
    return (f"SELECT {PG_DAY.format(t='a')} AS day, k.relevance, k.top_topic, coalesce(a.source_id, 0) AS source_id, "
            "coalesce(a.language, '') AS language, k.n FROM (" + rows + ") c JOIN articles a ON a.id = c.article_id "
            f"CROSS JOIN LATERAL (VALUES ('', '', {-sign}), (coalesce(c.relevance, ''), coalesce(c.top_topic, ''), "
            f"{sign})) AS k(relevance, top_topic, n)")


def _changed(cols: str, frm: str, unless: str) -> str:
    """The rows of ``frm`` (its ``cols``) that ``unless`` does not hold as they are."""
    return f"SELECT {cols} FROM {frm} EXCEPT ALL SELECT {cols} FROM {unless}"


_BODIES = {
    "coverage_days_articles_ins": _add(_articles("new_rows", 1, "classifications")) + " RETURN NULL;",
    "coverage_days_articles_upd": _add(
        _articles(f"({_changed(ARTICLE_COLS, 'old_rows', 'new_rows')})", -1, "classifications") + " UNION ALL "
        + _articles(f"({_changed(ARTICLE_COLS, 'new_rows', 'old_rows')})", 1, "classifications")) + " RETURN NULL;",
    # the classification, while it is still there (undated articles are not counted: nothing to keep)
    "coverage_days_articles_leave": (f"IF OLD.published_at IS NOT NULL THEN INSERT INTO {LEAVING} SELECT article_id, "
                                     "relevance, coalesce(top_topic, '') FROM classifications "
                                     "WHERE article_id = OLD.id; END IF; RETURN OLD;"),
    "coverage_days_articles_del": (f"WITH leaving AS (DELETE FROM {LEAVING} l USING old_rows o "
                                   "WHERE l.article_id = o.id RETURNING l.*) "
                                   + _add(_articles("old_rows", -1, "leaving")) + " RETURN NULL;"),
    "coverage_days_class_ins": _add(_moved("SELECT * FROM new_rows", 1)) + " RETURN NULL;",
    "coverage_days_class_upd": _add(_moved(_changed(CLASS_COLS, "old_rows", "new_rows"), -1) + " UNION ALL "
                                    + _moved(_changed(CLASS_COLS, "new_rows", "old_rows"), 1)) + " RETURN NULL;",
    "coverage_days_class_del": _add(_moved("SELECT * FROM old_rows", -1)) + " RETURN NULL;",
}
