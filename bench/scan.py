"""Benchmark: the compliance scan (every rule of every institution) beside a bare GROUP BY over the posts.

Two scales, each measured in its own process (settings read DATABASE_URL when they are imported):
- provincial: PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench, created if missing):
  100 institutions with a copy of the DUT pack each, 50,000 accounts, 10,000,000 posts over two years.
  Generated once and reused while its marker table matches; --rebuild drops the database and regenerates it.
- university: a temporary SQLite file: one institution, 500 accounts, 200,000 posts.

The dataset is built in one process and measured in another, so the peak memory printed is the scan's.
The baseline is `SELECT account_id, count(*), max(published_at) FROM activity_post GROUP BY account_id` on the
same database in the same run. Prints both figures; asserts nothing about speed.

    .venv/bin/python bench/scan.py [--scale provincial|university|both] [--rebuild] [--record] [--repeat N]

--record also times the recording scan (scan_institutions with history, audit and notifications, as the Celery
task runs it) twice, on a throw-away copy of the database; always done at university scale.
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench"
DATASET_VERSION = 1
SCALES = {
    "provincial": {"institutions": 100, "accounts": 500, "posts": 10_000_000, "goal_s": 60.0},
    "university": {"institutions": 1, "accounts": 500, "posts": 200_000, "goal_s": 2.0},
}
BASELINE_SQL = "SELECT account_id, count(*), max(published_at) FROM activity_post GROUP BY account_id"


# ---------------------------------------------------------------- orchestration (no Django here)
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["provincial", "university", "both"], default="both")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the provincial dataset")
    parser.add_argument("--repeat", type=int, default=0, help="timed runs of each side (default 2 / 3)")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also time the recording scan (scan_institutions on a copy of the database) at provincial scale; "
        "always done at university scale",
    )
    parser.add_argument("--phase", choices=["build", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _child(args)
        return
    scales = ["university", "provincial"] if args.scale == "both" else [args.scale]
    failed = False
    for scale in scales:
        failed |= not _run_scale(scale, args)
    sys.exit(1 if failed else 0)


def _run_scale(scale: str, args) -> bool:
    tmp = tempfile.mkdtemp(prefix="mediagov-bench-")
    env = dict(
        os.environ, MEDIAGOV_VAR_DIR=tmp, MEDIAGOV_DEBUG="0", DJANGO_SETTINGS_MODULE="mediagov.settings"
    )
    if scale == "university":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_PG
        if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
            print(f"scan/{scale}: DATABASE_URL must name a PostgreSQL database", file=sys.stderr)
            return False
    try:
        base = [sys.executable, os.path.abspath(__file__), "--scale", scale, "--repeat", str(args.repeat)]
        base += ["--record"] if args.record else []
        build = base + ["--phase", "build"] + (["--rebuild"] if args.rebuild else [])
        if subprocess.call(build, env=env) != 0:
            return False
        return subprocess.call(base + ["--phase", "measure"], env=env) == 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _child(args) -> None:
    scale, cfg = args.scale, SCALES[args.scale]
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")
    django.setup()
    if args.phase == "build":
        fresh = scale != "provincial" or _pg_prepare(os.environ["DATABASE_URL"], args.rebuild, cfg)
        build(scale, cfg, fresh)
    else:
        measure(
            scale,
            cfg,
            args.repeat or (2 if scale == "provincial" else 3),
            args.record or scale == "university",
        )


# ---------------------------------------------------------------- the PostgreSQL database and its marker
def _marker_expected(cfg) -> dict:
    return {"version": DATASET_VERSION, **{k: cfg[k] for k in ("institutions", "accounts", "posts")}}


def _pg_prepare(url: str, rebuild: bool, cfg) -> bool:
    """Create the database if missing; drop and recreate it for --rebuild or an unfinished dataset.

    Returns True when the dataset must be generated. Never drops a database this benchmark did not fill.
    """
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    conn = _pg_params(url)
    name = db["NAME"]
    with _pg_admin() as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            with psycopg.connect(dbname=name, **conn) as c:
                marker = None
                if c.execute("SELECT to_regclass('bench_dataset')").fetchone()[0]:
                    row = c.execute("SELECT data FROM bench_dataset WHERE name = 'scan'").fetchone()
                    marker = row[0] if row else {}
                foreign = (
                    marker is None
                    and c.execute("SELECT to_regclass('org_institution') IS NOT NULL").fetchone()[0]
                )
                if foreign:
                    foreign = c.execute("SELECT EXISTS (SELECT 1 FROM org_institution)").fetchone()[0]
            if (
                marker is not None
                and not rebuild
                and {k: marker.get(k) for k in _marker_expected(cfg)} == _marker_expected(cfg)
                and marker.get("complete")
            ):
                return False
            if foreign:
                sys.exit(f"scan: database {name} holds data this benchmark did not generate; not touching it")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def _pg_params(url: str) -> dict:
    import dj_database_url

    db = dj_database_url.parse(url)
    keys = (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
    return {k: db[key] for k, key in keys if db[key]}


def _pg_admin():
    """An autocommit connection to the `postgres` database of the same server, to create and drop databases."""
    import psycopg

    return psycopg.connect(dbname="postgres", autocommit=True, **_pg_params(os.environ["DATABASE_URL"]))


def _marker_write(data: dict) -> None:
    import json

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_dataset (name text PRIMARY KEY, data jsonb NOT NULL)")
        cur.execute(
            "INSERT INTO bench_dataset VALUES ('scan', %s::jsonb) "
            "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data",
            [json.dumps(data)],
        )


# ---------------------------------------------------------------- the dataset
COLLEGES = [
    "化工学院", "机械工程学院", "电子信息与电气工程学部", "建设工程学院", "经济管理学院", "外国语学院",
    "数学科学学院", "物理学院", "生物工程学院", "材料科学与工程学院", "软件学院", "人文艺术学院",
]  # fmt: skip
CLUBS = ["学生会", "研究生会", "青年志愿者协会"]
PLATFORMS = [
    ("wechat", 34), ("weibo", 14), ("douyin", 12), ("bilibili", 8), ("channels", 8), ("toutiao", 5),
    ("xiaohongshu", 5), ("kuaishou", 3), ("zhihu", 3), ("news_site", 3), ("qq", 2), ("app", 2), ("other", 1),
]  # fmt: skip


def build(scale: str, cfg, fresh: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not fresh:
        print(
            f"scan/{scale}: reusing the dataset in {connection.settings_dict['NAME']} (--rebuild to regenerate)"
        )
        return
    pg = connection.vendor == "postgresql"
    if pg:
        _marker_write({**_marker_expected(cfg), "complete": False})
    rng = random.Random(2026)
    plan = _world(cfg, rng)
    t1 = time.perf_counter()
    total = _posts_pg(plan) if pg else _posts_sqlite(plan, rng)
    t2 = time.perf_counter()
    if pg:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        _marker_write({**_marker_expected(cfg), "complete": True, "built": datetime.now().isoformat()})
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    t3 = time.perf_counter()
    print(
        f"scan/{scale}: generated {cfg['institutions']} institutions, {len(plan):,} accounts with posts, {total:,} posts "
        f"in {t3 - t0:.0f} s (world {t1 - t0:.0f} s, posts {t2 - t1:.0f} s, vacuum/analyze {t3 - t2:.0f} s)"
    )


def _world(cfg, rng: random.Random) -> list[tuple[int, int, datetime, datetime]]:
    """Institutions, units, people, accounts, filings and managers; returns the posting plan per account."""
    from django.utils import timezone

    from mediagov.org.models import Person, Unit, UnitKind
    from mediagov.policy.services import policy_load, shipped_pack_text
    from mediagov.registry.models import AccountManager, Filing, MediaAccount

    now = timezone.now()
    today = timezone.localdate()
    text = shipped_pack_text("dut")
    published = date(2017, 9, 1)
    platforms, weights = zip(*PLATFORMS, strict=True)
    accounts, filings, kinds = [], [], []  # kinds: the posting profile of each account
    for i in range(cfg["institutions"]):
        code = f"b{i:03d}"
        pack = text.replace("\n  code: dut\n", f"\n  code: {code}\n", 1)
        pack = pack.replace("\n  name: 大连理工大学\n", f"\n  name: 第{i + 1:03d}大学\n", 1)
        inst = policy_load(text=pack, source=f"bench:{code}")
        Unit.objects.bulk_create(
            [Unit(institution=inst, code=f"c{n:02d}", name=name) for n, name in enumerate(COLLEGES)]
            + [
                Unit(institution=inst, code=f"y{n}", name=club, kind=UnitKind.YOUTH)
                for n, club in enumerate(CLUBS)
            ]
        )
        units = list(Unit.objects.filter(institution=inst).order_by("id"))
        people = Person.objects.bulk_create(
            [
                Person(
                    institution=inst,
                    staff_no=f"{i:03d}{n:05d}",
                    name=f"教工{n:05d}",
                    unit=rng.choice(units),
                    on_staff=rng.random() > 0.03,
                    on_roster=rng.random() > 0.02,
                )
                for n in range(max(60, cfg["accounts"] * 3 // 5))
            ]
        )
        mains: set[tuple] = set()
        for n in range(cfg["accounts"]):
            unit = rng.choice(units)
            platform = rng.choices(platforms, weights)[0]
            recent = rng.random() < 0.05
            created_on = today - timedelta(days=rng.randint(20, 300) if recent else rng.randint(300, 3000))
            known_on = min(
                today - timedelta(days=1), max(created_on, published) + timedelta(rng.randint(0, 60))
            )
            r = rng.random()
            status = (
                "pending" if r < 0.03 else "cancelled" if r < 0.08 else "suspended" if r < 0.09
                else "rectifying" if r < 0.10 else "active"
            )  # fmt: skip
            main_key = (unit.pk, platform)
            is_main = main_key not in mains or rng.random() < 0.02  # a few second "main" accounts
            mains.add(main_key)
            payment = rng.random() < 0.03
            integration = rng.random() < 0.04
            direct = None if rng.random() < 0.02 else rng.choice(people)
            accounts.append(
                MediaAccount(
                    institution=inst,
                    name=f"{unit.name}{platform}{n:03d}",
                    owner=unit.name,
                    owner_kind=unit.kind,
                    responsible_unit=unit,
                    platform=platform,
                    platform_id=f"{code}_{platform}_{n:03d}",
                    handle=f"{code}_{platform}_{n:03d}",
                    created_on=created_on,
                    verified=rng.random() < 0.6,
                    first_responsible=rng.choice(people),
                    direct_responsible=direct,
                    is_main=is_main,
                    app_category=rng.choice(["service", "education", "work"]) if platform == "app" else "",
                    online_payment=payment,
                    payment_approved_by="财务处" if payment and rng.random() < 0.6 else "",
                    data_integration=integration,
                    data_integration_approval="网络与信息化中心"
                    if integration and rng.random() < 0.7
                    else "",
                    status=status,
                    created=datetime.combine(known_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2),
                )
            )
            r = rng.random()
            if status == "active" or status in ("rectifying", "suspended"):
                kinds.append(
                    "never" if r < 0.02 else "dormant" if r < 0.11 else "sparse" if r < 0.18
                    else "quiet" if r < 0.20 else "regular"
                )  # fmt: skip
            else:
                kinds.append(status)
    field = MediaAccount._meta.get_field("created")
    field.auto_now_add = False  # keep the entry dates generated above
    try:
        accounts = MediaAccount.objects.bulk_create(accounts, batch_size=2000)
    finally:
        field.auto_now_add = True
    for account in accounts:
        filings.extend(_filings(account, rng, now, today, published))
    field = Filing._meta.get_field("created")
    field.auto_now_add = False
    try:
        Filing.objects.bulk_create(filings, batch_size=2000)
    finally:
        field.auto_now_add = True
    AccountManager.objects.bulk_create(
        [
            AccountManager(account=a, role="admin", person_id=a.direct_responsible_id, name="管理员")
            for a in accounts
            if a.status != "pending"
        ],
        batch_size=2000,
    )
    return _plan(accounts, kinds, cfg, rng, now)


def _filings(account, rng, now, today, published) -> list:
    from mediagov.registry.models import Filing

    entered = account.created
    base = {"institution_id": account.institution_id, "account": account, "created": entered}
    day = timedelta(days=1)
    if account.status == "pending":
        return [
            Filing(kind="new", state="submitted", event_date=today + 10 * day, due_date=today + 10 * day,
                   first_submitted_at=now - 2 * day, submitted_at=now - 2 * day, round=1, **base)
        ]  # fmt: skip
    r = rng.random()
    out = []
    if r < 0.03:
        pass  # never filed: unfiled_account
    elif r < 0.05:  # filed, never approved, past the day it opened: filing_deadline (new)
        out.append(
            Filing(kind="new", state="submitted", event_date=account.created_on, due_date=account.created_on,
                   first_submitted_at=entered + day, submitted_at=entered + day, round=1, **base)
        )  # fmt: skip
    else:
        kind = "legacy" if account.created_on < published else "new"
        out.append(
            Filing(kind=kind, state="approved", event_date=account.created_on,
                   due_date=account.created_on + 20 * day, first_submitted_at=entered + day,
                   submitted_at=entered + day, decided_at=entered + 7 * day, round=1, **base)
        )  # fmt: skip
    if account.status == "cancelled":
        out.append(
            Filing(kind="cancel", state="approved", event_date=today - 30 * day, due_date=today - 20 * day,
                   first_submitted_at=now - 25 * day, submitted_at=now - 25 * day,
                   decided_at=now - 20 * day, round=1, **base)
        )  # fmt: skip
    elif rng.random() < 0.015:  # a change left in draft past its deadline: filing_deadline (change)
        changed = today - timedelta(days=rng.randint(10, 200))
        out.append(
            Filing(kind="change", state="draft", event_date=changed, due_date=changed + 5 * day, **base)
        )
    return out


def _plan(accounts, kinds, cfg, rng, now) -> list[tuple[int, int, datetime, datetime]]:
    """(account id, posts, first, last): a fixed count for the irregular profiles, the rest shared out."""
    two_years = now - timedelta(days=730)
    day = timedelta(days=1)
    rows, regular = [], []
    for account, kind in zip(accounts, kinds, strict=True):
        opened = datetime.combine(account.created_on, datetime.min.time(), tzinfo=UTC)
        start = max(opened, two_years)
        if kind in ("pending", "never"):
            continue
        if kind == "regular":
            regular.append((account.pk, start, now, rng.lognormvariate(0, 0.6) * (now - start).days))
            continue
        if kind == "cancelled":
            end, n = now - rng.randint(30, 600) * day, rng.randint(20, 200)
        elif kind == "dormant":  # stopped two to twelve months ago
            end, n = now - rng.randint(65, 400) * day, rng.randint(20, 200)
        elif kind == "quiet":  # a few weeks without a post
            end, n = now - rng.randint(20, 55) * day, rng.randint(50, 400)
        else:  # sparse: a handful a year
            end, n = now, max(1, round(rng.randint(3, 18) * (now - start).days / 365))
        start = min(start, end - day)
        rows.append((account.pk, n, start, end))
    left = cfg["posts"] - sum(r[1] for r in rows)
    total_weight = sum(r[3] for r in regular)
    shares = [int(left * w / total_weight) for *_, w in regular]
    for k in range(left - sum(shares)):
        shares[k % len(shares)] += 1
    rows.extend((pk, n, start, end) for (pk, start, end, _), n in zip(regular, shares, strict=True))
    return rows


def _posts_pg(plan) -> int:
    """INSERT … SELECT generate_series from a COPYed plan, with the table's indexes built afterwards."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        raw = connection.connection
        cur.execute(
            "CREATE TEMP TABLE bench_plan (account_id bigint, n integer, t0 timestamptz, t1 timestamptz)"
        )
        with raw.cursor() as c, c.copy("COPY bench_plan FROM STDIN") as copy:
            for row in plan:
                copy.write_row(row)
        # Drop the constraints and indexes (but the primary key), load, and re-create them exactly as they were.
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'activity_post'::regclass AND contype IN ('u', 'f')"
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'activity_post'::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
        indexes = cur.fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE activity_post DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(
            "INSERT INTO activity_post (account_id, published_at, title, url, text, source, fingerprint, "
            "imported_at) "
            "SELECT p.account_id, p.t0 + (p.t1 - p.t0) * random(), '动态第' || g || '条', '', '', 'import', "
            "md5(p.account_id || ':' || g), now() "
            "FROM bench_plan p CROSS JOIN LATERAL generate_series(1, p.n) g"
        )
        total = cur.rowcount
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            cur.execute(definition)
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE activity_post ADD CONSTRAINT "{name}" {definition}')
    return total


def _posts_sqlite(plan, rng) -> int:
    import hashlib

    from django.db import connection, transaction

    adapt = connection.ops.adapt_datetimefield_value
    imported = adapt(datetime.now(UTC))
    rows = []
    for account_id, n, start, end in plan:
        span = (end - start).total_seconds()
        for g in range(1, n + 1):
            published = adapt(start + timedelta(seconds=rng.random() * span))
            fingerprint = hashlib.md5(f"{account_id}:{g}".encode()).hexdigest()
            rows.append((account_id, published, f"动态第{g}条", "", "", "import", fingerprint, imported))
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO activity_post (account_id, published_at, title, url, text, source, fingerprint, "
            "imported_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


# ---------------------------------------------------------------- the measurement
def scan_all(as_of: date):
    """Every rule of every institution, as the scheduled scan (scan_institutions) computes it, nothing written:
    the snapshots and the active findings of all institutions in one query per table, then each one's rules."""
    from mediagov.compliance.services import active_findings_of, scan_compute
    from mediagov.compliance.snapshot import snapshots_build
    from mediagov.org.models import Institution

    institutions = list(Institution.objects.exclude(pack={}).order_by("code"))
    snapshots = snapshots_build(institutions, as_of)
    active = active_findings_of(institutions)
    return [
        scan_compute(inst, as_of=as_of, snapshot=snapshots[inst.pk], active=active[inst.pk])
        for inst in institutions
    ]


def scan_each(as_of: date):
    """The same, one institution at a time (`compliance.scan_institution`, `mediagov scan --institution`)."""
    from mediagov.compliance.services import scan_compute
    from mediagov.org.models import Institution

    return [scan_compute(inst, as_of=as_of) for inst in Institution.objects.exclude(pack={}).order_by("code")]


def baseline() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(BASELINE_SQL)
        return len(cur.fetchall())


def measure(scale: str, cfg, repeat: int, record: bool) -> None:
    from django.db import connection
    from django.utils import timezone

    from mediagov.activity.models import Post
    from mediagov.registry.models import MediaAccount

    as_of = timezone.localdate()
    accounts = MediaAccount.objects.count()
    posts = Post.objects.count()
    baseline()  # warm the cache: both sides read the same pages
    rss_before = _rss_mb()
    t_base, t_ours, t_each, outcomes = [], [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        groups = baseline()
        t_base.append(time.perf_counter() - t)
        t = time.perf_counter()
        outcomes = scan_all(as_of)
        t_ours.append(time.perf_counter() - t)
    rss_after = _rss_mb()
    if scale == "provincial":
        t = time.perf_counter()
        each = scan_each(as_of)
        t_each.append(time.perf_counter() - t)
        assert _drafts(each) == _drafts(outcomes), "per-institution and shared-statistics scans differ"
    ours, base = min(t_ours), min(t_base)
    findings = Counter(d.kind for o in outcomes for d in o.drafts)
    errors = sum(len(o.errors) for o in outcomes)
    where = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(
        f"scan/{scale} ({where}): {len(outcomes)} institutions, {accounts:,} accounts, {posts:,} posts, "
        f"as of {as_of}; best of {repeat}"
    )
    print(f"  ours (every rule of every institution, one query per table): {ours:.2f} s")
    print(f"  baseline (GROUP BY account_id, {groups:,} groups):        {base:.2f} s")
    print(
        f"  ratio: {ours / base:.2f}x (goal <= 2x); goal <= {cfg['goal_s']:.0f} s: "
        f"{'met' if ours <= cfg['goal_s'] else 'MISSED'}"
    )
    print(f"  peak memory (ru_maxrss): {rss_after:.0f} MB ({rss_before:.0f} MB before the first scan)")
    print(
        f"  findings: {sum(findings.values()):,} "
        f"({', '.join(f'{k} {n:,}' for k, n in findings.most_common())}); rule errors: {errors}"
    )
    if t_each:
        print(f"  one institution at a time (same findings): {t_each[0]:.2f} s")
    if record:
        _measure_recording(as_of)


def _measure_recording(as_of: date) -> None:
    """The scheduled scan as the Celery task runs it (findings saved with history, audit and notifications),
    twice, on a throw-away copy of the database so the dataset stays as generated."""
    from django.db import connection

    from mediagov.compliance.services import scan_institutions

    name = connection.settings_dict["NAME"]
    copy = _db_copy(name)
    connection.settings_dict["NAME"] = copy
    times, opened = [], []
    try:
        for _ in range(2):
            t = time.perf_counter()
            outcomes = scan_institutions(as_of=as_of)
            times.append(time.perf_counter() - t)
            opened.append(sum(o.opened for o in outcomes))
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        _db_drop(copy)
    print(
        f"  recording (scan_institutions on a copy): first run {times[0]:.2f} s ({opened[0]:,} findings "
        f"opened), second run {times[1]:.2f} s ({opened[1]:,} opened)"
    )


def _db_copy(name: str) -> str:
    from django.db import connection

    connection.close()
    if connection.vendor == "sqlite":
        shutil.copyfile(name, f"{name}.record")
        return f"{name}.record"
    from psycopg import sql

    with _pg_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(f"{name}_record"))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(f"{name}_record"), sql.Identifier(name)
            )
        )
    return f"{name}_record"


def _db_drop(copy: str) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        os.remove(copy)
        return
    from psycopg import sql

    with _pg_admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))


def _drafts(outcomes) -> list:
    return [
        (o.institution.pk, d.rule, d.account_id, d.key, d.message, d.due) for o in outcomes for d in o.drafts
    ]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
