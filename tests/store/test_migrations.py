from __future__ import annotations

import threading

from sqlalchemy import inspect, text

from bantin.store.db import make_engine
from bantin.store.migrate import current_revision, head_revision, upgrade
from bantin.store.schema import Base


def test_upgrade_creates_every_table_of_the_model(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_model_and_migrations_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bantin.store import rollup
    from bantin.store.searchindex import DIALECT_OBJECTS

    def ours(_obj: object, name: str | None, _type: str, _reflected: bool, _compare_to: object) -> bool:
        # the FTS5 table and the GIN index are one dialect's (0007_search), so is the rollup's scratch table (0012)
        return name not in DIALECT_OBJECTS | rollup.DIALECT_OBJECTS

    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": ours})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_downgrade_then_upgrade_round_trips(db_url: str) -> None:
    from alembic import command

    from bantin.store.migrate import alembic_config

    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)


def test_concurrent_upgrades_of_a_new_database_both_succeed(db_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(make_engine(db_url))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_revision(make_engine(db_url)) == head_revision(make_engine(db_url))


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_upgrade_to_per_feed_schedules_starts_each_feed_from_its_sources_values(db_url: str) -> None:
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import select

    from bantin.store.db import session_factory
    from bantin.store.migrate import alembic_config
    from bantin.store.schema import Feed

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0002")
    due = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    with engine.begin() as c:  # a 0002 database: schedule and health only on the source
        c.execute(text(
            "INSERT INTO sources (id, name, kind, enabled, poll_interval_s, next_poll_at, health, "
            "consecutive_failures, last_error, created_at) VALUES (1, 'Báo Thử', 'feed', :t, 5400, :due, "
            "'failing', 3, 'HTTP 503', :due)"), {"t": True, "due": due.replace(tzinfo=None)})
        c.execute(text("INSERT INTO feeds (id, source_id, url) VALUES (1, 1, 'http://a.test/rss'), "
                       "(2, 1, 'http://a.test/the-thao.rss')"))
    upgrade(engine)
    with session_factory(engine)() as s:
        feeds = s.scalars(select(Feed).order_by(Feed.id)).all()
    assert [(f.poll_interval_s, f.next_poll_at, f.health, f.consecutive_failures, f.last_error) for f in feeds] == [
        (5400, due, "failing", 3, "HTTP 503")] * 2
def test_upgrade_to_0004_back_fills_band_keys_so_old_articles_are_found(db_url: str) -> None:
    from sqlalchemy import func, select

    from bantin.dedup.index import BANDS
    from bantin.dedup.minhash import signature, signature_to_bytes
    from bantin.ingest.neardup import near_duplicates
    from bantin.store.db import session_factory
    from bantin.store.schema import ArticleBand

    engine = make_engine(db_url)
    upgrade(engine, "0002")
    story = ("Sáng nay UBND tỉnh Nghệ An tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm qua "
             "với sự tham gia của lãnh đạo các sở ngành và các huyện thành thị trên địa bàn tỉnh. ") * 3
    with engine.begin() as c:
        for i, body in enumerate([story, "Đội tuyển bóng đá giành chiến thắng trên sân Mỹ Đình tối qua."]):
            c.execute(text("INSERT INTO articles (id, canonical_url, text, content_hash, minhash, fetched_at) "
                           "VALUES (:id, :u, :t, :h, :m, :f)"),
                      {"id": i + 1, "u": f"http://x.test/{i}", "t": body, "h": f"{i:064d}",
                       "m": signature_to_bytes(signature(body)), "f": "2026-11-30 00:00:00"})
    upgrade(engine)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ArticleBand)) == 2 * BANDS
        copy = story.replace("Sáng nay", "Chiều qua", 1) + "Theo Báo Nghệ An"
        assert [aid for aid, _ in near_duplicates(s, signature(copy))] == [1]


def test_a_long_sqlite_read_does_not_hold_up_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An export reading for minutes must not take the write lock the crawler needs (WAL: readers and a
    writer side by side); the reader keeps seeing its own snapshot."""
    import time

    from sqlalchemy import func, select

    from bantin.store.db import SQLITE_BUSY_TIMEOUT_MS, read_session_factory, session_factory
    from bantin.store.schema import AuditEvent

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    reads, writes = read_session_factory(engine), session_factory(engine)
    with reads() as reader:
        assert reader.scalar(select(func.count()).select_from(AuditEvent)) == 0  # transaction open
        t0 = time.monotonic()
        with writes() as writer:
            writer.add(AuditEvent(actor="crawler", action="test.write"))
            writer.commit()
        assert time.monotonic() - t0 < SQLITE_BUSY_TIMEOUT_MS / 1000 / 10  # no waiting for the reader
        assert reader.scalar(select(func.count()).select_from(AuditEvent)) == 0  # its snapshot
    with reads() as later:
        assert later.scalar(select(func.count()).select_from(AuditEvent)) == 1
