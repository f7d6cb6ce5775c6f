"""What each sweep's read costs with 10^6 rows kept, with its index and without.

The four sweeps (consent expiry, referral deadlines, notify deliveries, the outbox relay)
run on a timer and read their table for what is due. Each is measured here on PostgreSQL
with ``--rows`` rows (default 10^6), of which a handful are due, as in a database long in
use: most consents ended or withdrawn, most referrals answered, most deliveries sent, most
events published. The rows are made by the database itself (``generate_series``).

For each sweep the read it sends (the repository's method, or the relay's two reads) runs
``--runs`` times in a transaction that is rolled back; the median is reported, as the
caller sees it (round trips and ORM included) and as the database spends it (planning and
execution time from ``EXPLAIN ANALYZE``, summed over the sweep's statements). Beside them,
the same run's floor: a transaction that only asks ``SELECT 1``. Then the
sweep's index is dropped, the index it replaced (if any) put back, the table analysed, and
the same read measured again: "without" is the schema before the sweep indexes.

Usage: ``python bench/sweeps.py [--url postgresql://...] [--rows N] [--runs N]``. Writes
``var/bench/sweeps.json``. Needs a PostgreSQL it may create and drop a database on.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import consent
import notify
import referral
from consent.repository import Consents
from notify.repository import Deliveries
from referral.repository import Referrals
from tiimi_shared import migrations
from tiimi_shared.database import make_engine
from tiimi_shared.tables import OUTBOX, unpublished

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STAMP = "'2026-06-01 12:00+00'::timestamptz"

# Each table filled by the database: n is 1..rows; the last few rows are the due ones.
FILL = {
    "consents": f"""
        INSERT INTO consents (id, client_id, given_by, organisation, professionals, categories, purposes,
            valid_from, valid_until, method, recorded_by, recorded_at, status, withdrawn_at, expired_at)
        SELECT md5(n::text), md5((n / 3)::text), 'client', '0123456-7', '[]', '["basic"]',
            '["team_coordination"]', {STAMP} - interval '400 days',
            CASE WHEN n > :rows - 5 THEN {STAMP} - n % 5 * interval '1 minute' - interval '1 minute'
                 WHEN n % 4 = 0 THEN NULL WHEN n % 4 = 2 THEN {STAMP} - interval '200 days'
                 ELSE {STAMP} + interval '200 days' END,
            'written', 'kw-1', {STAMP} - interval '400 days',
            CASE WHEN n > :rows - 5 THEN 'active' WHEN n % 4 = 2 THEN 'expired'
                 WHEN n % 4 = 3 THEN 'withdrawn' ELSE 'active' END,
            CASE WHEN n % 4 = 3 AND n <= :rows - 5 THEN {STAMP} - interval '100 days' END,
            CASE WHEN n % 4 = 2 AND n <= :rows - 5 THEN {STAMP} - interval '200 days' END
        FROM generate_series(1, :rows) AS n""",
    "referrals": f"""
        INSERT INTO referrals (id, client_id, requesting_organisation, requested_by, target_organisation,
            service, priority, reason, share, shared, withheld, status, accept_by, escalate_by,
            reminded_at, escalated_at, created_at)
        SELECT md5(n::text), md5((n / 2)::text), '0123456-7', 'kw-1', '7654321-0', 'housing', 'routine',
            '', '{{}}', '{{}}', '{{}}',
            CASE WHEN n > :rows - 6 OR n % 50 = 0 OR n % 20 = 1 THEN 'requested' ELSE 'completed' END,
            a.accept_by, a.accept_by + interval '2 days',
            CASE WHEN (n > :rows - 6 AND n % 2 = 1) OR (n <= :rows - 6 AND n % 20 = 1) THEN a.accept_by END,
            CASE WHEN n <= :rows - 6 AND n % 20 = 1 THEN a.accept_by + interval '2 days' END,
            a.accept_by - interval '5 days'
        FROM generate_series(1, :rows) AS n, LATERAL (SELECT CASE
            WHEN n > :rows - 6 THEN {STAMP} - (CASE WHEN n % 2 = 1 THEN 3 ELSE 1 END) * interval '1 day'
            WHEN n % 50 = 0 THEN {STAMP} + interval '3 days'
            ELSE {STAMP} - (n % 300 + 5) * interval '1 day' END AS accept_by) AS a""",
    "deliveries": f"""
        INSERT INTO deliveries (id, event_id, event_type, recipient_id, channel, message, language,
            with_details, address, subject, body, link, context, status, attempts, next_attempt_at,
            lease_until, created_at, sent_at)
        SELECT md5(n::text), md5(n::text), 'referral_sent', 'kw-' || n % 500, 'email', 'new_item', 'fi',
            false, 'kw@example.org', '', '', '', '{{}}',
            CASE WHEN n > :rows - 6 THEN (ARRAY['sending', 'queued', 'failed'])[n % 3 + 1]
                 WHEN n % 50 = 0 THEN 'failed' WHEN n % 97 = 0 THEN 'dead' ELSE 'sent' END,
            1,
            CASE WHEN n > :rows - 6 THEN {STAMP} - interval '1 day'
                 WHEN n % 50 = 0 THEN {STAMP} + interval '30 minutes' END,
            CASE WHEN n > :rows - 6 AND n % 3 = 0 THEN {STAMP} - interval '5 seconds' END,
            {STAMP} - interval '30 days',
            CASE WHEN n <= :rows - 6 AND n % 50 <> 0 AND n % 97 <> 0 THEN {STAMP} - interval '30 days' END
        FROM generate_series(1, :rows) AS n""",
    "outbox": f"""
        INSERT INTO outbox (event_id, event_type, envelope, created_at, published_at, attempts)
        SELECT md5(n::text), 'consent_granted', '{{}}', {STAMP},
            CASE WHEN n <= :rows - 5 THEN {STAMP} END, 1
        FROM generate_series(1, :rows) AS n""",
}

# Per sweep: its index(es), and the statement that put back what was there before.
BEFORE = {
    "consents": (["ix_consents_due_to_expire"], []),
    "referrals": (["ix_referrals_awaiting_chase"], []),
    "deliveries": (["ix_deliveries_waiting", "ix_deliveries_claimed"],
                   ["CREATE INDEX ix_deliveries_next_attempt_at ON deliveries (next_attempt_at)"]),
    "outbox": (["ix_outbox_pending"], ["CREATE INDEX ix_outbox_published_at ON outbox (published_at)"]),
}


def relay_reads(session: Session) -> int:
    """The outbox relay's two reads, as ``OutboxRelay.publish_pending`` makes them."""
    session.execute(sa.select(OUTBOX.c.position).where(unpublished(OUTBOX)).limit(1)).first()
    return len(session.execute(
        sa.select(OUTBOX.c.position, OUTBOX.c.envelope).where(unpublished(OUTBOX))
        .order_by(OUTBOX.c.position).limit(200).with_for_update(skip_locked=True)).all())


SWEEPS: dict[str, tuple[Any, Callable[[Session], int]]] = {
    "consents": (consent, lambda s: len(Consents(s).due_to_expire(NOW))),
    "referrals": (referral, lambda s: len(Referrals(s).waiting_past(NOW))),
    "deliveries": (notify, lambda s: len(Deliveries(s).due(NOW, 50))),
    "outbox": (consent, relay_reads),
}


def timed(engine: sa.Engine, read: Callable[[Session], int], runs: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(runs):
        with Session(engine) as session:
            start = time.perf_counter()
            found = read(session)
            times.append((time.perf_counter() - start) * 1000)
            session.rollback()
    return statistics.median(times), found


def statements(engine: sa.Engine, read: Callable[[Session], int]) -> list[tuple[str, Any]]:
    """What the sweep sends."""
    sent: list[tuple[str, Any]] = []
    listener = lambda *args: sent.append((args[2], args[3]))  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    with Session(engine) as session:
        read(session)
        session.rollback()
    sa.event.remove(engine, "before_cursor_execute", listener)
    return sent


def plan(engine: sa.Engine, read: Callable[[Session], int]) -> str:
    """The plan of the sweep's first statement."""
    statement, parameters = statements(engine, read)[0]
    with engine.connect() as connection:
        return "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))


def server_time(engine: sa.Engine, read: Callable[[Session], int], runs: int) -> float:
    """Median over runs of the database's own execution time (EXPLAIN ANALYZE) of all the
    sweep's statements: no round trips, no Python."""
    sent = statements(engine, read)
    totals = []
    for _ in range(runs):
        total = 0.0
        with engine.connect() as connection:
            for statement, parameters in sent:
                answer = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
                                                    parameters).scalar_one()
                total += answer[0]["Execution Time"] + answer[0]["Planning Time"]
            connection.rollback()
        totals.append(total)
    return statistics.median(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    admin = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
    results: dict[str, Any] = {"rows": args.rows, "runs": args.runs,
                               "load_average": Path("/proc/loadavg").read_text().split()[:3], "sweeps": {}}
    for table, (package, read) in SWEEPS.items():
        name = f"tiimi_bench_sweep_{table}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        migrations.upgrade(Path(package.__file__).parent / "migrations", url)
        engine = make_engine(url)
        try:
            start = time.perf_counter()
            with engine.begin() as connection:
                connection.execute(sa.text(FILL[table]), {"rows": args.rows})
                connection.exec_driver_sql(f"ANALYZE {table}")
            filled = time.perf_counter() - start
            # The floor in the same run: a transaction that asks for nothing.
            baseline, _ = timed(engine, lambda s: s.execute(sa.text("SELECT 1")).scalar_one(), args.runs)
            with_ms, found = timed(engine, read, args.runs)
            with_server = server_time(engine, read, args.runs)
            with_plan = plan(engine, read)
            indexes, restore = BEFORE[table]
            with engine.begin() as connection:
                for index in indexes:
                    connection.exec_driver_sql(f"DROP INDEX {index}")
                for statement in restore:
                    connection.exec_driver_sql(statement)
                connection.exec_driver_sql(f"ANALYZE {table}")
            without_ms, found_without = timed(engine, read, args.runs)
            without_server = server_time(engine, read, args.runs)
            without_plan = plan(engine, read)
        finally:
            engine.dispose()
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        assert found == found_without, (table, found, found_without)
        results["sweeps"][table] = {"select_1_ms": round(baseline, 2)}
        results["sweeps"][table] |= {"due": found, "with_index_ms": round(with_ms, 2),
                                    "without_index_ms": round(without_ms, 2),
                                    "with_index_server_ms": round(with_server, 3),
                                    "without_index_server_ms": round(without_server, 3),
                                    "fill_seconds": round(filled, 1),
                                    "plan_with": with_plan, "plan_without": without_plan}
        print(f"{table:<11} due {found:>3}  SELECT 1 {baseline:6.2f} ms"
              f"  with index {with_ms:8.2f} ms (database {with_server:7.3f})"
              f"   without {without_ms:8.2f} ms (database {without_server:7.3f})", flush=True)
    out = ROOT / "var" / "bench" / "sweeps.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
