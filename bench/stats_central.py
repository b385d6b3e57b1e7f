"""The central half of bench/stats.py (``--central``): the supervisor's figures on a central
PostgreSQL holding 5,000,000 cases of 10 offices (issue 15 budgets: one office's year
< 1 s, the whole district's year < 3 s).

The cluster is kept in .bench-stores/central-5m-pg (started for the run, stopped after
it; bench/sync.py's BenchCluster, or the server MEDIATION_DESK_BENCH_PG names). The
database is built once:

* ``central init``, 10 offices (``central add-office``), one supervisor login per office
  (``central add-user``), eight mediators per office (rows in ``mediators``);
* the cases by one ``INSERT … SELECT … FROM generate_series`` (the central import copies
  a workstation store and is far too slow for 5,000,000 rows), with the change-marking and
  change-capture triggers off for the load (``session_replication_role = replica``, as
  only a superuser may; no change-log rows: no workstation syncs this database) and the
  secondary indexes of ``cases`` made after it; then every (office, day) of the load
  marked in stats_dirty, as migration 0019 marks an upgraded store's;
* the summaries built by the administrator's ``stats_summary.catch_up`` (what
  ``central refresh-figures`` runs after an import), its time printed.

Spreads: received over two years (fewer at weekends, in office hours), office sizes
16 % … 8 %, kinds, sources, categories and their problems as issue types (app/demo/
corpus.py), regions by office, ~3,000 respondent businesses picked with a Zipf-like skew
(80 % with a credit code), 10 % of phones from a pool of 60,000 (repeat complainants),
3 % linked to an earlier case (多头), times consistent with the status (first contact,
dispatch, acceptance, closing, completion due), outcomes by kind, satisfaction of the
rated, recovered money of settled complaints. Parties, documents, audit: none.

Hot words are not filled centrally here: the central catch-up cuts every case's text in
Python (bench/hot_words.py --central measures it: ≈ 5,400 cases/s, a quarter of an hour
for 5,000,000 cases on this machine, and it cannot be limited to recent months).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

OFFICES = 10
MEDIATORS = 8  # per office, besides its supervisor
RESPONDENTS = 3_000
PHONE_POOL = 60_000
DATABASE = "md_stats_5m"
PASSWORD = "Bench-stats-密码-1"
OFFICE_BUDGET_S = 1.0
DISTRICT_BUDGET_S = 3.0
FIRST_DAY = "2024-03-01"  # the cases are received over the two years from here
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # the figures are asked on this instant


def office_code(n: int) -> str:
    return f"PD-C{n:02d}"


def supervisor(n: int) -> str:
    return f"mdt_bench_sup{n:02d}"


def _lit(values) -> str:
    """A PostgreSQL text[] literal of Python strings."""
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _corpus() -> dict[str, str]:
    """The corpus arrays the fill picks from, as SQL literals."""
    from app.demo import corpus

    weighted = [i for i, c in enumerate(corpus.CATEGORIES) for _ in range(c[5])]
    problems = []
    for c in corpus.CATEGORIES:
        ps = list(c[3])[:3]
        while len(ps) < 3:
            ps.append(ps[-1])
        problems.extend(ps)
    requests = []
    for c in corpus.CATEGORIES:
        rs = [r.replace("{amount}", "") for r in list(c[4])[:3]]
        while len(rs) < 3:
            rs.append(rs[-1])
        requests.extend(rs)
    kinds = []
    for c in corpus.CATEGORIES:
        ks = [k or "个人" for k in c[1]][:3]
        while len(ks) < 3:
            ks.append(ks[-1])
        kinds.extend(ks)
    return {
        "categories": _lit(c[0] for c in corpus.CATEGORIES),
        "people": "ARRAY[" + ", ".join("true" if c[6] else "false"
                                       for c in corpus.CATEGORIES) + "]",
        "weighted": "ARRAY[" + ", ".join(str(i + 1) for i in weighted) + "]",
        "n_weighted": str(len(weighted)),
        "problems": _lit(problems), "requests": _lit(requests), "bkinds": _lit(kinds),
        "n_bkinds": str(len(kinds)),
        "regions": _lit(r[0] for r in corpus.REGIONS), "n_regions": str(len(corpus.REGIONS)),
        "brands": _lit(corpus.BRAND_WORDS), "n_brands": str(len(corpus.BRAND_WORDS)),
        "surnames": _lit(s for s, _ in corpus.SURNAMES),
        "given": _lit(corpus.GIVEN_MALE + corpus.GIVEN_FEMALE),
    }


def _cases_sql(cases: int, c: dict[str, str]) -> str:
    """One INSERT … SELECT of ``cases`` cases (random() after setseed: the same every build)."""
    n_surnames = c["surnames"].count("'") // 2
    n_given = c["given"].count("'") // 2
    return f"""
    INSERT INTO cases (id, version, modified_at, modified_by, deleted, office_id, track, kind,
        source, source_ticket, status, outcome, urgency, category, issue_type, region, tags,
        title, description, request, amount_claimed_fen, amount_recovered_fen, received_at,
        accepted_at, assigned_at, mediation_started_at, closed_at, followed_up_at,
        first_contact_at, reopened_at, mediator_id, complainant_name, complainant_phone,
        complainant_phone_tail, respondent_name, respondent_uscc, rule_set_code,
        next_deadline_on, next_deadline_kind, deadline_provisional, paused, callback_due_at,
        confirmation_due_on, archived_on, completion_due_at, rejection_ground,
        termination_ground, status_reason, satisfaction, linked_case_id,
        reporter_confidential)
    SELECT t.id, 1, coalesce(closed_at, received_at), 'bench', deleted, o.id, track, kind,
        source, '', status, outcome, 0, category, issue_type, region, '',
        category || '：' || issue_type,
        '申请人反映与' || respondent_name || '之间发生纠纷：' || issue_type || '，要求' || request
            || '。', request, claimed, recovered, received_at,
        accepted_at, assigned_at, CASE WHEN kind = 'complaint' THEN assigned_at END,
        closed_at, CASE WHEN status IN ('followed_up', 'rated') THEN closed_at
                        + interval '3 days' END,
        first_contact_at, NULL, mediator_id, complainant_name, phone, right(phone, 4),
        respondent_name, respondent_uscc, '', NULL, '', false, false, NULL, NULL, NULL,
        completion_due_at, CASE WHEN status = 'rejected' THEN '不属于受理范围' END,
        CASE WHEN outcome = 'terminated' THEN '一方拒绝继续调解' END, '',
        CASE WHEN status = 'rated' THEN satisfaction END, linked_case_id, false
    FROM (
      SELECT s.*,
        CASE WHEN closes_at <= TIMESTAMPTZ '{NOW.isoformat()}' THEN closes_at END AS closed_at,
        CASE WHEN closes_at > TIMESTAMPTZ '{NOW.isoformat()}' THEN
               CASE WHEN status0 = 'rejected' THEN 'received'
                    WHEN assigned_at IS NULL THEN 'accepted'
                    WHEN kind = 'complaint' THEN 'mediating' ELSE 'assigned' END
             ELSE status0 END AS status,
        CASE WHEN closes_at <= TIMESTAMPTZ '{NOW.isoformat()}' THEN outcome0 END AS outcome,
        CASE WHEN closes_at <= TIMESTAMPTZ '{NOW.isoformat()}' AND outcome0 = 'settled'
                  AND r9 < 0.7 THEN (500 + floor(r10 * r10 * 500000))::bigint END AS recovered
      FROM (
        SELECT q.*,
          CASE WHEN rejected THEN NULL ELSE received_at + r3 * interval '20 hours' END
              AS accepted_at,
          CASE WHEN rejected THEN NULL
               WHEN r4 < 0.9 THEN received_at + r4 * interval '2 hours'
               ELSE received_at + interval '2 hours' + r5 * interval '40 hours' END
              AS assigned_at,
          CASE WHEN r5 < 0.86 THEN received_at + r5 * interval '27 hours'
               WHEN r5 < 0.97 THEN received_at + interval '24 hours' + r6 * interval '60 hours'
               END AS first_contact_at,
          received_at + CASE WHEN rejected THEN interval '1 day' + r6 * interval '4 days'
                             WHEN kind = 'inquiry' THEN r6 * interval '3 days'
                             WHEN kind = 'report' THEN interval '3 days' + r6 * interval '40 days'
                             ELSE interval '2 days' + r6 * r6 * interval '75 days' END
              AS closes_at,
          received_at + CASE kind WHEN 'complaint' THEN interval '45 days'
                                  WHEN 'report' THEN interval '30 days'
                                  ELSE interval '7 days' END AS completion_due_at,
          CASE WHEN rejected THEN 'rejected'
               WHEN r7 < 0.4 THEN 'closed' WHEN r7 < 0.6 THEN 'followed_up'
               ELSE 'rated' END AS status0,
          CASE WHEN rejected THEN NULL
               WHEN kind = 'inquiry' THEN 'answered'
               WHEN kind = 'report' THEN CASE WHEN r8 < 0.4 THEN 'referred' ELSE 'no_case' END
               WHEN r8 < 0.7 THEN 'settled' WHEN r8 < 0.9 THEN 'terminated'
               ELSE 'referred' END AS outcome0,
          CASE WHEN r8 < 0.35 THEN 'very_satisfied' WHEN r8 < 0.75 THEN 'satisfied'
               WHEN r8 < 0.92 THEN 'average' ELSE 'dissatisfied' END AS satisfaction,
          CASE WHEN NOT rejected THEN (SELECT m.id FROM bench_mediators m
                 WHERE m.office = q.office AND m.n = floor(r9 * {MEDIATORS})::int) END
              AS mediator_id,
          CASE WHEN kind <> 'inquiry' THEN (1000 + floor(r10 * 800000))::bigint END AS claimed
        FROM (
          SELECT g, md5('bench-case-' || g)::uuid AS id, office,
            day_at + (CASE WHEN r1 < 0.85 THEN 8 + r2 * 10 ELSE r2 * 24 END) * interval '1 hour'
                AS received_at,
            CASE WHEN r1 < 0.68 THEN 'complaint' WHEN r1 < 0.8 THEN 'report'
                 ELSE 'inquiry' END AS kind,
            (kind_r < 0.05 AND r1 < 0.8) AS rejected,
            CASE WHEN src < 0.40 THEN '12315' WHEN src < 0.65 THEN '12345'
                 WHEN src < 0.75 THEN 'walk_in' WHEN src < 0.85 THEN 'phone'
                 WHEN src < 0.97 THEN 'online' ELSE 'transfer' END AS source,
            CASE WHEN ({c['people']})[cat] THEN 'peoples_mediation'
                 ELSE 'market_complaint' END AS track,
            ({c['categories']})[cat] AS category,
            ({c['problems']})[(cat - 1) * 3 + 1 + floor(r3 * 3)::int] AS issue_type,
            ({c['requests']})[(cat - 1) * 3 + 1 + floor(r4 * 3)::int] AS request,
            ({c['regions']})[1 + (office * 2 + floor(r5 * r5 * {c['n_regions']})::int)
                             % {c['n_regions']}] AS region,
            coalesce(b.name, ({c['surnames']})[1 + floor(r6 * {n_surnames})::int] || '某')
                AS respondent_name,
            coalesce(b.uscc, '') AS respondent_uscc,
            ({c['surnames']})[1 + floor(r7 * {n_surnames})::int]
              || ({c['given']})[1 + floor(r8 * {n_given})::int] AS complainant_name,
            CASE WHEN r9 < 0.1 THEN '139' || lpad(floor(r10 * {PHONE_POOL})::text, 8, '0')
                 ELSE '13' || lpad(floor(r10 * 1e9)::bigint::text, 9, '0') END AS phone,
            CASE WHEN link_r < 0.03 AND g > 1000
                 THEN md5('bench-case-' || (g - 1 - floor(r2 * 1000)::int))::uuid END
                AS linked_case_id,
            link_r > 0.998 AS deleted,
            r3, r4, r5, r6, r7, r8, r9, r10
          FROM (
            SELECT g, office, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, kind_r, src, link_r,
              ({c['weighted']})[1 + floor(cat_r * {c['n_weighted']})::int] AS cat,
              biz_r,
              -- fewer cases at weekends: a weekend day moves to the Friday before 60 %
              (DATE '{FIRST_DAY}' + d - CASE WHEN extract(isodow FROM DATE '{FIRST_DAY}' + d)
                   >= 6 AND r2 < 0.6 THEN extract(isodow FROM DATE '{FIRST_DAY}' + d)::int - 5
                   ELSE 0 END)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_at
            FROM (
              SELECT g, floor({OFFICES} * power(random(), 1.25))::int AS office,
                floor(random() * 730)::int AS d,
                random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                random() AS r5, random() AS r6, random() AS r7, random() AS r8,
                random() AS r9, random() AS r10, random() AS kind_r, random() AS src,
                random() AS link_r, random() AS cat_r, random() AS biz_r
              FROM generate_series(1, {cases}) g
            ) raw
          ) p
          LEFT JOIN bench_businesses b
            ON b.n = floor({RESPONDENTS} * power(biz_r, 2.0))::int
               AND ({c['bkinds']})[(cat - 1) * 3 + 1] <> '个人'
        ) q
      ) s
    ) t
    JOIN bench_offices o ON o.n = t.office
    """


def build(cluster, cases: int, say) -> tuple[str, dict[str, float]]:
    """The database (made once): its URL and the build's times."""
    from sqlalchemy import text

    from app.services import central_admin, stats_summary
    from app.sync import central as central_db
    from tests.support.pgserver import admin_connect, create_database, drop_database

    name = DATABASE if cases == 5_000_000 else f"md_stats_{cases}"
    url = cluster.database_url(name)
    with admin_connect(cluster.admin_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone()
    times: dict[str, float] = {}
    if exists:
        engine = central_admin.connect_admin(url)
        try:
            with engine.connect() as conn:
                ready = central_db.meta(conn, "bench.ready") == "yes"
        finally:
            engine.dispose()
        if ready:
            return url, times
        drop_database(cluster.admin_url, name)
    create_database(cluster.admin_url, name)
    engine = central_admin.connect_admin(url)
    try:
        central_admin.init_central(engine)
        for n in range(OFFICES):
            central_admin.add_office(engine, code=office_code(n), name=f"基准调解中心{n:02d}")
            central_admin.add_user(engine, login=supervisor(n), name=f"所长{n:02d}",
                                   office=office_code(n), role="supervisor", password=PASSWORD)
        c = _corpus()
        with engine.begin() as conn:
            conn.execute(text("CREATE UNLOGGED TABLE bench_offices AS SELECT row_number() "
                              "OVER (ORDER BY code) - 1 AS n, id FROM offices "
                              "WHERE code LIKE 'PD-C%'"))
            conn.execute(text(f"""
                INSERT INTO mediators (id, version, modified_at, modified_by, deleted,
                    office_id, name, login, role, phone, certificate_no, active)
                SELECT md5('bench-mediator-' || o.n || '-' || m)::uuid, 1, now(), 'bench',
                    false, o.id, '调解员' || o.n || '-' || m,
                    'mdt_bench_m' || o.n || '_' || m, 'mediator', '', '', true
                FROM bench_offices o, generate_series(0, {MEDIATORS - 1}) m"""))
            conn.execute(text(f"""
                CREATE UNLOGGED TABLE bench_mediators AS
                SELECT o.n AS office, m AS n, md5('bench-mediator-' || o.n || '-' || m)::uuid
                    AS id FROM bench_offices o, generate_series(0, {MEDIATORS - 1}) m"""))
            conn.execute(text("CREATE UNIQUE INDEX ON bench_mediators (office, n)"))
            conn.execute(text(f"""
                CREATE UNLOGGED TABLE bench_businesses AS
                SELECT n, ({c['brands']})[1 + (n * 7) % {c['n_brands']}]
                          || ({c['brands']})[1 + (n / {c['n_brands']}) % {c['n_brands']}]
                          || ({c["bkinds"]})[1 + n % {c["n_bkinds"]}] AS name,
                       CASE WHEN n % 5 <> 4 THEN '91310115'
                            || upper(substr(md5('uscc' || n), 1, 10)) END AS uscc
                FROM generate_series(0, {RESPONDENTS}) n"""))
            conn.execute(text("CREATE UNIQUE INDEX ON bench_businesses (n)"))
        say(f"filling {cases:,} cases (INSERT … SELECT generate_series, triggers off) …")
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("SET LOCAL work_mem = '256MB'"))
            conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
            conn.execute(text("SELECT setseed(0.15)"))
            # The secondary indexes are made anew after the load (as pg_restore does):
            # maintaining twenty of them row by row is most of a 5,000,000-row INSERT.
            indexes = conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "AND tablename = 'cases' AND indexname NOT IN (SELECT conname FROM "
                "pg_constraint WHERE conrelid = 'public.cases'::regclass)")).all()
            for name, _ in indexes:
                conn.execute(text(f'DROP INDEX public."{name}"'))
            conn.execute(text(_cases_sql(cases, c)))
            for _, definition in indexes:
                conn.execute(text(definition))
        times["fill"] = time.perf_counter() - started
        say(f"  filled in {times['fill']:.0f} s")
        started = time.perf_counter()
        with engine.begin() as conn:
            # Every (office, China day) the load touched is out of date (as migration 0019
            # marks an upgraded store's); the trigger was off for the load.
            days = " UNION ".join(
                f"SELECT office_id, ((({col} AT TIME ZONE 'UTC') + interval '8 hours')::date"
                f" - DATE '0001-01-01' + 1) AS day FROM cases WHERE {col} IS NOT NULL"
                for col in ("received_at", "closed_at", "accepted_at"))
            conn.execute(text(f"INSERT INTO stats_dirty (office_id, day) {days} "
                              "ON CONFLICT DO NOTHING"))
            for table in ("bench_offices", "bench_mediators", "bench_businesses"):
                conn.execute(text(f"DROP TABLE {table}"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE cases"))
            conn.execute(text("VACUUM ANALYZE mediators"))
        times["vacuum"] = time.perf_counter() - started
        say(f"  marked dirty, vacuumed and analysed in {times['vacuum']:.0f} s")
        say("building the summaries (stats_summary.catch_up, as central refresh-figures) …")
        started = time.perf_counter()
        days_built = stats_summary.catch_up(engine)
        times["summaries"] = time.perf_counter() - started
        times["summary_days"] = days_built
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("stats_daily", "stats_daily_by", "stats_monthly_by",
                          "stats_repeat_cases", "stats_dirty"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
        say(f"  {days_built:,} office-days in {times['summaries']:.0f} s")
        with engine.begin() as conn:
            for key, value in times.items():
                central_db.set_meta(conn, f"bench.{key}", f"{value:.1f}")
            central_db.set_meta(conn, "bench.ready", "yes")
    finally:
        engine.dispose()
    return url, times


def _runs(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def everything(engine, rng, login: str, scope_text: str, *, plain: bool):
    """All KPIs (this year and the one before), every breakdown and the monthly trend, in
    one connection as the dashboard asks them."""
    from app.core.stats import Granularity, StatsScope
    from app.services import stats

    def run() -> None:
        with engine.connect() as conn:
            scope = stats.central_scope(conn, StatsScope.parse(scope_text), login=login)
            if plain:
                stats.plain_kpis(conn, rng, scope, now=NOW)
                stats.plain_kpis(conn, rng.previous(), scope, now=NOW)
                for d in stats.BREAKDOWNS:
                    stats.plain_breakdown(conn, d, rng, scope, now=NOW)
                stats.plain_trend(conn, rng, scope, Granularity.MONTH, now=NOW)
            else:
                stats.overview(conn, rng, scope, now=NOW, granularity=Granularity.MONTH)
    return run


def run(cluster, args, say) -> int:
    from sqlalchemy import func, select, text
    from sqlalchemy.engine import make_url

    from app.core.stats import StatsRange
    from app.services import central_admin
    from app.store.models import Case, Office

    url, times = build(cluster, args.cases, say)
    admin = central_admin.connect_admin(url)
    login_url = make_url(url).set(username=supervisor(0), password=PASSWORD)
    sup = central_admin.connect_admin(login_url.render_as_string(hide_password=False))
    over = 0
    try:
        with admin.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(Case))
            per_office = dict(conn.execute(
                select(Office.code, func.count()).join(Case, Case.office_id == Office.id)
                .group_by(Office.code)).all())
            stored = dict(conn.execute(text(
                "SELECT key, value FROM central_meta WHERE key LIKE 'bench.%'")).all()
                ) if not times else {f"bench.{k}": f"{v:.1f}" for k, v in times.items()}
            size = conn.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
            summary_rows = conn.scalar(text(
                "SELECT (SELECT count(*) FROM stats_daily) + (SELECT count(*) FROM "
                "stats_daily_by) + (SELECT count(*) FROM stats_monthly_by)"))
        year = StatsRange.year(2025)
        office = office_code(0)
        in_year = None
        with admin.connect() as conn:
            in_year = conn.scalar(select(func.count()).select_from(Case).where(
                Case.received_at >= datetime(2024, 12, 31, 16, tzinfo=UTC),
                Case.received_at < datetime(2025, 12, 31, 16, tzinfo=UTC),
                Case.office_id == select(Office.id).where(Office.code == office)
                .scalar_subquery()))
        print(f"central PostgreSQL: {total:,} cases of {len(per_office)} offices "
              f"({min(per_office.values()):,}–{max(per_office.values()):,} each), {size}; "
              f"{summary_rows:,} summary rows")
        print("  built once: " + ", ".join(f"{k.removeprefix('bench.')} {v} s" for k, v in
                                          sorted(stored.items()) if k != "bench.ready"
                                          and not k.endswith("summary_days")))
        print(f"the year 2025: office {office} received {in_year:,} cases in it; "
              f"best / median of {args.runs} warm runs (all KPIs and the year before, "
              f"{8} breakdowns, monthly trend)")
        cases = (
            ("one office's year, summaries, administrator", admin, "postgres",
             f"offices:{office}", False, OFFICE_BUDGET_S),
            ("one office's year, summaries, its supervisor (RLS)", sup, supervisor(0),
             "office", False, OFFICE_BUDGET_S),
            ("the district's year, summaries, administrator", admin, "postgres", "all",
             False, DISTRICT_BUDGET_S),
            ("one office's year, plain, administrator", admin, "postgres",
             f"offices:{office}", True, None),
            ("one office's year, plain, its supervisor (RLS)", sup, supervisor(0),
             "office", True, None),
            ("the district's year, plain, administrator", admin, "postgres", "all",
             True, None),
        )
        for label, engine, login, scope, plain, budget in cases:
            if plain and args.no_plain:
                continue
            fn = everything(engine, year, login, scope, plain=plain)
            fn()  # warm
            best, median = _runs(fn, args.runs if not plain else args.plain_runs)
            verdict = ""
            if budget is not None:
                ok = median < budget
                over += not ok
                verdict = f"  budget {budget:.0f} s {'ok' if ok else 'OVER'}"
            print(f"  {label:<54} best {best * 1000:6.0f} ms  median {median * 1000:6.0f} ms"
                  f"{verdict}")
    finally:
        admin.dispose()
        sup.dispose()
    return 1 if over else 0


__all__ = ["build", "run"]
