"""coverage_days: articles per Vietnamese day and (relevance, top topic, outlet, language), kept by triggers,
back-filled from the stored articles

Revision ID: 0008_coverage_days
Revises: 0007_search
Create Date: 2026-12-01

The reports read this rollup instead of grouping every article (bantin.store.rollup says what a row is).
Triggers keep it right whatever writes the articles or their classifications:

- an article inserted: +1 at its key (with its classification, if one is already there: bulk copies with
  foreign keys off may write the classification first, whose own trigger found no article);
- an article's published_at, source_id or language changed (a deleted outlet's ``SET NULL`` too): -1 at the
  old key, +1 at the new one;
- an article deleted: -1 at its key, in a BEFORE DELETE row trigger, while its classification is still
  there (the cascade that deletes the classification afterwards finds no article and changes nothing);
- a classification inserted, changed (relevance, top_topic) or deleted: the article's count moves between
  the unclassified key and the classified one (only while the article exists).

The day is ``bantin.reports.days.vn_day``'s expression: ``date(published_at, '+7 hours')`` on SQLite,
``CAST(timezone('Asia/Ho_Chi_Minh', published_at) AS DATE)`` on PostgreSQL; undated articles are not
counted. PostgreSQL's triggers are plpgsql functions, ``ENABLE ALWAYS`` so that they also fire in sessions
with ``session_replication_role = replica`` (bench/build_db.py's bulk copy turns foreign-key triggers off
that way). The triggers are created before the back-fill (on PostgreSQL after locking both tables against
writes), so no article written while the migration runs is missed or counted twice.

Self-contained (no import from bantin: the SQL is this revision's). A later SQLite migration that rebuilds
``articles`` or ``classifications`` (Alembic's batch mode copies the table) drops these triggers with the
old table and must create them again (tests/reports/test_rollup.py checks the rollup at the head revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_coverage_days"
down_revision = "0007_search"
branch_labels = None
depends_on = None

KEY = "day, relevance, top_topic, source_id, language"
SQLITE_DAY = "date({t}.published_at, '+7 hours')"
PG_DAY = "CAST(timezone('Asia/Ho_Chi_Minh', {t}.published_at) AS DATE)"
SQLITE_TRIGGERS = ("coverage_days_article_ai", "coverage_days_article_au", "coverage_days_article_bd",
                   "coverage_days_class_ai", "coverage_days_class_au", "coverage_days_class_au_moved",
                   "coverage_days_class_ad")
PG_TRIGGERS = (("articles", "coverage_days_article_ai"), ("articles", "coverage_days_article_au"),
               ("articles", "coverage_days_article_bd"), ("classifications", "coverage_days_class_aid"),
               ("classifications", "coverage_days_class_au"))
PG_FUNCTIONS = ("bantin_coverage_days_article()", "bantin_coverage_days_classification()",
                "bantin_coverage_days_move(bigint, text, text, text, text)",
                "bantin_coverage_days_add(date, text, text, integer, text, integer)")
CHANGED_ARTICLE = ("old.published_at IS NOT new.published_at OR old.source_id IS NOT new.source_id "
                   "OR old.language IS NOT new.language")
CHANGED_CLASS = "old.relevance IS NOT new.relevance OR old.top_topic IS NOT new.top_topic"


def upgrade() -> None:
    op.create_table(
        "coverage_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("relevance", sa.String(length=10), nullable=False),
        sa.Column("top_topic", sa.String(length=50), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "relevance", "top_topic", "source_id", "language", name="pk_coverage_days"),
        sqlite_with_rowid=False,  # rows kept in key order: a day range is one stretch of the table
    )
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute("LOCK TABLE articles, classifications IN SHARE ROW EXCLUSIVE MODE")
    for statement in (_pg_ddl() if pg else _sqlite_ddl()):
        op.execute(statement)
    day = (PG_DAY if pg else SQLITE_DAY).format(t="a")
    op.execute(
        f"INSERT INTO coverage_days ({KEY}, n) SELECT {day}, coalesce(c.relevance, ''), coalesce(c.top_topic, ''), "
        "coalesce(a.source_id, 0), coalesce(a.language, ''), count(*) FROM articles a "
        f"LEFT JOIN classifications c ON c.article_id = a.id WHERE {day} IS NOT NULL GROUP BY 1, 2, 3, 4, 5")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("coverage_days")


def _sqlite_add(n: int, row: str, relevance: str, topic: str, *, source: str = "", where: str = "") -> str:
    """One upsert of ``n`` at the key of article ``row`` (new/old, or ``a`` read from ``source``)."""
    day = SQLITE_DAY.format(t=row)
    return (f"INSERT INTO coverage_days ({KEY}, n) SELECT {day}, {relevance}, {topic}, coalesce({row}.source_id, 0), "
            f"coalesce({row}.language, ''), {n}{source} WHERE {day} IS NOT NULL{where} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;")


def _sqlite_current(row: str) -> tuple[str, str]:
    """The relevance and topic key of article ``row`` as classified now ('' when it is not)."""
    return (f"coalesce((SELECT relevance FROM classifications WHERE article_id = {row}.id), '')",
            f"coalesce((SELECT coalesce(top_topic, '') FROM classifications WHERE article_id = {row}.id), '')")


def _sqlite_move(article: str, frm: tuple[str, str], to: tuple[str, str]) -> str:
    """Article ``article``'s count from classification ``frm`` to ``to`` (nothing if the article is gone)."""
    src, where = " FROM articles a", f" AND a.id = {article}"
    return (_sqlite_add(-1, "a", *frm, source=src, where=where) + " "
            + _sqlite_add(1, "a", *to, source=src, where=where))


def _sqlite_ddl() -> list[str]:
    none = ("''", "''")
    old = ("coalesce(old.relevance, '')", "coalesce(old.top_topic, '')")
    new = ("coalesce(new.relevance, '')", "coalesce(new.top_topic, '')")
    return [
        f"CREATE TRIGGER coverage_days_article_ai AFTER INSERT ON articles BEGIN "
        f"{_sqlite_add(1, 'new', *_sqlite_current('new'))} END",
        f"CREATE TRIGGER coverage_days_article_au AFTER UPDATE OF published_at, source_id, language ON articles "
        f"WHEN {CHANGED_ARTICLE} BEGIN {_sqlite_add(-1, 'old', *_sqlite_current('old'))} "
        f"{_sqlite_add(1, 'new', *_sqlite_current('new'))} END",
        f"CREATE TRIGGER coverage_days_article_bd BEFORE DELETE ON articles BEGIN "
        f"{_sqlite_add(-1, 'old', *_sqlite_current('old'))} END",
        f"CREATE TRIGGER coverage_days_class_ai AFTER INSERT ON classifications BEGIN "
        f"{_sqlite_move('new.article_id', none, new)} END",
        f"CREATE TRIGGER coverage_days_class_au AFTER UPDATE OF article_id, relevance, top_topic ON classifications "
        f"WHEN old.article_id IS new.article_id AND ({CHANGED_CLASS}) BEGIN "
        f"{_sqlite_move('new.article_id', old, new)} END",
        f"CREATE TRIGGER coverage_days_class_au_moved AFTER UPDATE OF article_id ON classifications "
        f"WHEN old.article_id IS NOT new.article_id BEGIN {_sqlite_move('old.article_id', old, none)} "
        f"{_sqlite_move('new.article_id', none, new)} END",
        f"CREATE TRIGGER coverage_days_class_ad AFTER DELETE ON classifications BEGIN "
        f"{_sqlite_move('old.article_id', old, none)} END",
    ]


def _pg_ddl() -> list[str]:
    return [
        "CREATE FUNCTION bantin_coverage_days_add(p_day date, p_relevance text, p_topic text, p_source integer, "
        "p_language text, p_n integer) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        "IF p_day IS NULL THEN RETURN; END IF; "  # undated: not counted
        f"INSERT INTO coverage_days AS cd ({KEY}, n) VALUES (p_day, p_relevance, p_topic, p_source, p_language, p_n) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = cd.n + EXCLUDED.n; END $$",

        "CREATE FUNCTION bantin_coverage_days_move(p_article bigint, p_from_relevance text, p_from_topic text, "
        "p_to_relevance text, p_to_topic text) RETURNS void LANGUAGE plpgsql AS $$ "
        "DECLARE d date; src integer; lang text; BEGIN "
        f"SELECT {PG_DAY.format(t='a')}, coalesce(a.source_id, 0), coalesce(a.language, '') INTO d, src, lang "
        "FROM articles a WHERE a.id = p_article; "
        "IF d IS NULL THEN RETURN; END IF; "  # the article is gone (its delete's cascade) or undated
        "PERFORM bantin_coverage_days_add(d, p_from_relevance, p_from_topic, src, lang, -1); "
        "PERFORM bantin_coverage_days_add(d, p_to_relevance, p_to_topic, src, lang, 1); END $$",

        "CREATE FUNCTION bantin_coverage_days_article() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE aid bigint; rel text; topic text; BEGIN "
        "IF TG_OP = 'DELETE' THEN aid := OLD.id; ELSE aid := NEW.id; END IF; "
        "SELECT coalesce(c.relevance, ''), coalesce(c.top_topic, '') INTO rel, topic FROM classifications c "
        "WHERE c.article_id = aid; "
        "rel := coalesce(rel, ''); topic := coalesce(topic, ''); "  # no classification: the row is NULLs
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
        f"PERFORM bantin_coverage_days_add({PG_DAY.format(t='OLD')}, rel, topic, coalesce(OLD.source_id, 0), "
        "coalesce(OLD.language, ''), -1); END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "  # BEFORE DELETE: let the delete go ahead
        f"PERFORM bantin_coverage_days_add({PG_DAY.format(t='NEW')}, rel, topic, coalesce(NEW.source_id, 0), "
        "coalesce(NEW.language, ''), 1); RETURN NULL; END $$",

        "CREATE FUNCTION bantin_coverage_days_classification() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN PERFORM bantin_coverage_days_move(NEW.article_id, '', '', "
        "coalesce(NEW.relevance, ''), coalesce(NEW.top_topic, '')); "
        "ELSIF TG_OP = 'DELETE' THEN PERFORM bantin_coverage_days_move(OLD.article_id, coalesce(OLD.relevance, ''), "
        "coalesce(OLD.top_topic, ''), '', ''); "
        "ELSIF OLD.article_id = NEW.article_id THEN PERFORM bantin_coverage_days_move(NEW.article_id, "
        "coalesce(OLD.relevance, ''), coalesce(OLD.top_topic, ''), coalesce(NEW.relevance, ''), "
        "coalesce(NEW.top_topic, '')); "
        "ELSE PERFORM bantin_coverage_days_move(OLD.article_id, coalesce(OLD.relevance, ''), "
        "coalesce(OLD.top_topic, ''), '', ''); PERFORM bantin_coverage_days_move(NEW.article_id, '', '', "
        "coalesce(NEW.relevance, ''), coalesce(NEW.top_topic, '')); END IF; RETURN NULL; END $$",

        "CREATE TRIGGER coverage_days_article_ai AFTER INSERT ON articles FOR EACH ROW "
        "EXECUTE FUNCTION bantin_coverage_days_article()",
        "CREATE TRIGGER coverage_days_article_au AFTER UPDATE OF published_at, source_id, language ON articles "
        f"FOR EACH ROW WHEN ({_distinct(CHANGED_ARTICLE)}) EXECUTE FUNCTION bantin_coverage_days_article()",
        "CREATE TRIGGER coverage_days_article_bd BEFORE DELETE ON articles FOR EACH ROW "
        "EXECUTE FUNCTION bantin_coverage_days_article()",
        "CREATE TRIGGER coverage_days_class_aid AFTER INSERT OR DELETE ON classifications FOR EACH ROW "
        "EXECUTE FUNCTION bantin_coverage_days_classification()",
        "CREATE TRIGGER coverage_days_class_au AFTER UPDATE OF article_id, relevance, top_topic ON classifications "
        f"FOR EACH ROW WHEN (OLD.article_id IS DISTINCT FROM NEW.article_id OR {_distinct(CHANGED_CLASS)}) "
        "EXECUTE FUNCTION bantin_coverage_days_classification()",
        *(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}" for table, name in PG_TRIGGERS),
    ]


def _distinct(condition: str) -> str:
    """SQLite's ``IS NOT`` in PostgreSQL's spelling (and its OLD/NEW in capitals, as PostgreSQL writes them)."""
    return condition.replace(" IS NOT ", " IS DISTINCT FROM ").replace("old.", "OLD.").replace("new.", "NEW.")
