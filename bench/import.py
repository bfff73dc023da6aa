"""Benchmark: importing 1,000,000 posts from a CSV file, beside a raw COPY of the same file.

PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_import, created and migrated if
missing). One institution with 500 registered accounts (WeChat, Weibo, Douyin, B站); its posts are emptied
before each run, so every run imports the same million new posts.

Three processes (settings read DATABASE_URL when they are imported; peak memory is per process):
- build: the database, the accounts, and the CSV file (generic layout: 平台, 帐号ID, 发布时间, 标题, 链接, 正文);
- measure: first the baseline, a raw `COPY … FROM STDIN (FORMAT csv, HEADER)` of the file into an equivalent
  temporary table (the same columns, 发布时间 as timestamptz), then ours: `post_import(path=…)`, the service
  `mediagov import posts` calls (read, check, fingerprint, stage, insert; one transaction), a check that the
  million posts are there, and for reference the database's share alone (`floor`: COPY, then one
  INSERT … SELECT into a table with activity_post's indexes and foreign key), the cheapest landing any
  posts table could have (`landing`: COPY into a logged table with one index) and the index floor
  (`index_floor`: the stored rows, checked and in index order, COPYed into a table with activity_post's
  indexes, with and without its foreign key). Prints the times, the ratios and ru_maxrss; asserts nothing about
  speed.

    .venv/bin/python bench/import.py [--rows N] [--keep FILE]

Goals (docs/performance.md, “Post import — bench/import.py”): ≤ 60 s, ≤ 3× the raw COPY, peak memory < 500 MB.
"""

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_import"
MARKER = "import"
ACCOUNTS = 500
GOAL_S = 60.0
GOAL_RATIO = 3.0
GOAL_MB = 500
PLATFORMS = [
    ("wechat", "微信公众号", 50),
    ("weibo", "微博", 20),
    ("douyin", "抖音", 15),
    ("bilibili", "B站", 15),
]
WORDS = "学校 学院 新闻 通知 活动 讲座 比赛 招生 就业 科研 成果 志愿 服务 校园 文化 开学 毕业 典礼 实验室 党建".split()


# ---------------------------------------------------------------- orchestration (no Django here)
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="write the generated CSV here and keep it")
    parser.add_argument("--phase", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _child(args)
        return
    tmp = tempfile.mkdtemp(prefix="mediagov-bench-import-")
    env = dict(
        os.environ,
        MEDIAGOV_VAR_DIR=tmp,
        MEDIAGOV_DEBUG="0",
        DJANGO_SETTINGS_MODULE="mediagov.settings",
        DATABASE_URL=os.environ.get("DATABASE_URL") or DEFAULT_PG,
    )
    if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        sys.exit("import: DATABASE_URL must name a PostgreSQL database")
    path = args.keep or os.path.join(tmp, "posts-1m.csv")
    try:
        base = [sys.executable, os.path.abspath(__file__), "--rows", str(args.rows), "--file", path]
        if subprocess.call(base + ["--phase", "build"], env=env) != 0:
            sys.exit(1)
        sys.exit(subprocess.call(base + ["--phase", "measure"], env=env))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")
    django.setup()
    if args.phase == "build":
        build(args.rows, args.file)
    else:
        measure(args.rows, args.file)


# ---------------------------------------------------------------- the database
def _pg_params(url: str) -> dict:
    import dj_database_url

    db = dj_database_url.parse(url)
    keys = (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
    return {k: db[key] for k, key in keys if db[key]}


def _pg_prepare(url: str) -> None:
    """Create the database if missing. Refuse one that holds data this benchmark did not put there."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    params = _pg_params(url)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    with psycopg.connect(dbname=name, **params) as c:
        ours = (
            c.execute("SELECT to_regclass('bench_dataset')").fetchone()[0]
            and c.execute("SELECT 1 FROM bench_dataset WHERE name = %s", [MARKER]).fetchone()
        )
        used = (
            c.execute("SELECT to_regclass('org_institution')").fetchone()[0]
            and c.execute("SELECT EXISTS (SELECT 1 FROM org_institution)").fetchone()[0]
        )
    if used and not ours:
        sys.exit(f"import: database {name} holds data this benchmark did not generate; not touching it")


def build(rows: int, path: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    _pg_prepare(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_dataset (name text PRIMARY KEY, data jsonb NOT NULL)")
        cur.execute(
            "INSERT INTO bench_dataset VALUES (%s, '{}'::jsonb) ON CONFLICT (name) DO NOTHING", [MARKER]
        )
    accounts = _accounts()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE activity_post")
    t1 = time.perf_counter()
    size = _csv(path, accounts, rows)
    t2 = time.perf_counter()
    print(
        f"import: {len(accounts)} accounts ready in {t1 - t0:.1f} s; wrote {rows:,} posts "
        f"({size / 1024 / 1024:.0f} MB) to the CSV in {t2 - t1:.1f} s"
    )


def _accounts() -> list[tuple[str, str]]:
    """The bench institution's accounts as (platform label, 帐号ID); created on the first run."""
    from mediagov.org.models import Institution, Unit
    from mediagov.policy.services import policy_load, shipped_pack_text
    from mediagov.registry.models import MediaAccount
    from mediagov.registry.platforms import normalise_handle

    inst = Institution.objects.filter(code="bimp").first()
    if inst is None:
        text = shipped_pack_text("dut").replace("\n  code: dut\n", "\n  code: bimp\n", 1)
        inst = policy_load(text=text.replace("\n  name: 大连理工大学\n", "\n  name: 导入基准大学\n", 1))
    unit, _ = Unit.objects.get_or_create(institution=inst, code="news", defaults={"name": "新闻中心"})
    if not MediaAccount.objects.filter(institution=inst).exists():
        rng = random.Random(7)
        codes, _labels, weights = zip(*PLATFORMS, strict=True)
        made = []
        for n in range(ACCOUNTS):
            platform = rng.choices(codes, weights)[0]
            platform_id = {
                "wechat": f"gh_{n:012x}",
                "weibo": str(5_000_000_000 + n),
                "douyin": f"campus_{n:05d}",
                "bilibili": str(300_000_000 + n),
            }[platform]
            made.append(
                MediaAccount(
                    institution=inst,
                    name=f"基准帐号{n:03d}",
                    owner=unit.name,
                    owner_kind=unit.kind,
                    responsible_unit=unit,
                    platform=platform,
                    platform_id=platform_id,
                    handle=normalise_handle(platform, platform_id),
                    status="active",
                )
            )
        MediaAccount.objects.bulk_create(made)
    labels = dict((code, label) for code, label, _ in PLATFORMS)
    return [
        (labels[p], pid)
        for p, pid in MediaAccount.objects.filter(institution=inst)
        .order_by("pk")
        .values_list("platform", "platform_id")
    ]


def _csv(path: str, accounts: list[tuple[str, str]], rows: int) -> int:
    """`rows` posts spread over the accounts and the last two years; every post has its own link."""
    rng = random.Random(2026)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    span = int((datetime(2026, 3, 1, tzinfo=UTC) - start).total_seconds())
    links = {
        "微信公众号": "https://mp.weixin.qq.com/s/{:022x}",
        "微博": "https://weibo.com/{}/{:x}",
        "抖音": "https://www.douyin.com/video/{}",
        "B站": "https://www.bilibili.com/video/av{}",
    }
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["平台", "帐号ID", "发布时间", "标题", "链接", "正文"])
        for n in range(rows):
            label, pid = accounts[n % len(accounts)]
            when = start + timedelta(seconds=rng.randrange(span))
            words = rng.sample(WORDS, 4)
            title = f"{words[0]}{words[1]}｜{words[2]}{words[3]}第{n}期"
            link = links[label].format(pid, n) if label == "微博" else links[label].format(n)
            body = f"{''.join(rng.sample(WORDS, 6))}。" if n % 3 else ""
            out.writerow([label, pid, when.strftime("%Y-%m-%d %H:%M:%S"), title, link, body])
        return f.tell()


# ---------------------------------------------------------------- the measurement
def _copy_file(sql: str, path: str) -> None:
    """Stream the file at `path` through `sql` (a `COPY … FROM STDIN`) on Django's connection."""
    from django.db import connection

    with connection.connection.cursor() as c, c.copy(sql) as copy, open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            copy.write(chunk)


def raw_copy(path: str) -> float:
    """COPY the file as it is into an equivalent temporary table; seconds."""
    from django.db import connection, transaction

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE raw_posts (platform text, account text, published_at timestamptz, title text, "
            "url text, text text) ON COMMIT DROP"
        )
        _copy_file("COPY raw_posts FROM STDIN (FORMAT csv, HEADER true)", path)
    return time.perf_counter() - t


def _posts_like(cur, table: str, *, foreign_key: bool) -> None:
    """(Re)create `table` like activity_post: its columns, indexes and unique constraint; with `foreign_key`,
    its deferred foreign key to the account too (LIKE does not copy foreign keys)."""
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TABLE {table} (LIKE activity_post INCLUDING ALL)")
    if foreign_key:
        cur.execute(
            f"ALTER TABLE {table} ADD FOREIGN KEY (account_id) REFERENCES registry_mediaaccount (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def floor(path: str) -> float:
    """What our write path costs the database alone: the raw COPY, then one `INSERT … SELECT … ORDER BY
    account_id, published_at ON CONFLICT DO NOTHING` of them into a table like activity_post (the same indexes,
    unique constraint and foreign key; WAL-logged), with the account ids joined in and md5 for fingerprints;
    then the commit. Seconds; the table is dropped after."""
    from django.db import connection, transaction

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        _posts_like(cur, "bench_floor_post", foreign_key=True)
        cur.execute(
            "CREATE TEMP TABLE raw_floor (platform text, account text, published_at timestamptz, title text, "
            "url text, text text) ON COMMIT DROP"
        )
        _copy_file("COPY raw_floor FROM STDIN (FORMAT csv, HEADER true)", path)
        cur.execute(
            "INSERT INTO bench_floor_post (account_id, published_at, title, url, text, source, fingerprint, "
            "imported_at) SELECT a.id, r.published_at, r.title, r.url, coalesce(r.text, ''), 'import', md5(r.url), "
            "now() FROM raw_floor r JOIN registry_mediaaccount a ON a.platform_id = r.account "
            "ORDER BY a.id, r.published_at ON CONFLICT (account_id, fingerprint) DO NOTHING"
        )
    elapsed = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_floor_post")
    return elapsed


def landing(path: str) -> float:
    """The cheapest landing a posts table can have: the raw COPY into a WAL-logged table with the file's
    columns and one index (an identity primary key), committed. No idempotency (no unique index), no foreign
    key, no index for reads. Seconds; the table is dropped after."""
    from django.db import connection, transaction

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_landing")
        cur.execute(
            "CREATE TABLE bench_landing (platform text, account text, published_at timestamptz, title text, "
            "url text, text text, id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"
        )
        _copy_file(
            "COPY bench_landing (platform, account, published_at, title, url, text) FROM STDIN "
            "(FORMAT csv, HEADER true)",
            path,
        )
    elapsed = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_landing")
    return elapsed


def index_floor(rows_path: str, *, foreign_key: bool) -> float:
    """The least any import can pay to land these posts in a table with activity_post's indexes: the rows as
    stored (checked, fingerprinted, account ids resolved), already in index order, COPYed straight into a
    table `LIKE activity_post INCLUDING ALL` (its primary key, (account, published_at) index and unique
    (account, fingerprint)), committed; with or without activity_post's deferred foreign key. No checking,
    no sorting, no conflict handling. Seconds; the table is dropped after."""
    from django.db import connection, transaction

    from mediagov.activity.imports import _POST_COLUMNS

    with connection.cursor() as cur:
        _posts_like(cur, "bench_index_floor", foreign_key=foreign_key)
    t = time.perf_counter()
    with transaction.atomic():
        _copy_file(f"COPY bench_index_floor ({_POST_COLUMNS}) FROM STDIN", rows_path)
    elapsed = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_index_floor")
    return elapsed


def _stored_rows(path: str) -> None:
    """Write the imported posts, in index order, to `path` (COPY text format) for `index_floor`."""
    from django.db import connection

    from mediagov.activity.imports import _POST_COLUMNS

    sql = f"COPY (SELECT {_POST_COLUMNS} FROM activity_post ORDER BY account_id, published_at) TO STDOUT"
    with connection.connection.cursor() as c, c.copy(sql) as copy, open(path, "wb") as f:
        for chunk in copy:
            f.write(chunk)


def measure(rows: int, path: str) -> None:
    from django.db import connection

    from mediagov.activity.imports import post_import
    from mediagov.activity.models import Post
    from mediagov.org.models import Institution

    inst = Institution.objects.get(code="bimp")
    rss_before = _rss_mb()
    base = raw_copy(path)
    rss_copy = _rss_mb()
    t = time.perf_counter()
    result = post_import(institution=inst, path=path, filename=os.path.basename(path))
    ours = time.perf_counter() - t
    rss = _rss_mb()
    database_floor = floor(path)
    cheapest = landing(path)
    stored_path = path + ".stored.tsv"
    _stored_rows(stored_path)
    floor_bare = index_floor(stored_path, foreign_key=False)
    floor_fk = index_floor(stored_path, foreign_key=True)
    os.unlink(stored_path)
    stored = Post.objects.filter(account__institution=inst).count()
    assert stored == result.created == rows, (stored, result.created, rows)
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        version = cur.fetchone()[0].split(" on ")[0]
    size = os.path.getsize(path) / 1024 / 1024
    print(f"import ({version}): {rows:,} posts, {result.accounts} accounts, {size:.0f} MB CSV")
    print(f"  ours (post_import: read, check, fingerprint, stage, insert; one transaction): {ours:.1f} s")
    print(f"  baseline (raw COPY of the same file into a staging table):                   {base:.1f} s")
    print(
        f"  ratio: {ours / base:.2f}x (goal <= {GOAL_RATIO:.0f}x: {'met' if ours <= GOAL_RATIO * base else 'MISSED'}); "
        f"goal <= {GOAL_S:.0f} s: {'met' if ours <= GOAL_S else 'MISSED'}"
    )
    print(
        f"  peak memory (ru_maxrss): {rss:.0f} MB (goal < {GOAL_MB} MB: {'met' if rss < GOAL_MB else 'MISSED'}; "
        f"{rss_before:.0f} MB after Django setup, {rss_copy:.0f} MB after the COPY)"
    )
    print(
        f"  the database's share alone (COPY + one INSERT … SELECT into a table like activity_post, commit): "
        f"{database_floor:.1f} s; ours / that floor: {ours / database_floor:.2f}x"
    )
    print(
        f"  the cheapest landing (raw COPY into a logged table with one index, commit): {cheapest:.1f} s = "
        f"{cheapest / base:.1f}x the raw COPY, before any uniqueness, foreign key or read index"
    )
    print(
        f"  the index floor (the stored rows, already in index order, COPYed into a table with activity_post's "
        f"three indexes, commit): {floor_bare:.1f} s = {floor_bare / base:.1f}x the raw COPY; with its foreign key "
        f"{floor_fk:.1f} s = {floor_fk / base:.1f}x (ours / that: {ours / floor_fk:.2f}x). No import that lands in "
        "activity_post can be faster."
    )
    print(f"  created {result.created:,}, already there {result.skipped_existing:,}, {stored:,} posts stored")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
