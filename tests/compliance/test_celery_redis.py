"""The daily scan through a real Celery worker and Redis, as production runs it (no eager mode).

A worker subprocess (`celery -A mediagov worker --pool=solo`) consumes from Redis (its own database number,
flushed before and after, and its own queue) and writes to a database this test can read:
- PostgreSQL (DATABASE_URL set): pytest-django's test database, committed to (transaction=True);
- SQLite: the test database lives in memory, invisible to another process, so the test points the default
  connection at a migrated temporary file for its duration and gives the worker the same file.

Skipped when Redis is unreachable, except in CI (the CI variable is set), where it fails instead.
"""

import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from mediagov.compliance.models import Finding
from mediagov.org.models import Person, Unit
from mediagov.policy.services import policy_load_shipped
from mediagov.registry.models import MediaAccount

REDIS_URL = os.environ.get("MEDIAGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TASK = "compliance.scan_all"
TIMEOUT = 90  # seconds: the worker's start-up (Django, a cold import) plus the scan, on a loaded CI machine


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis is unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis is unreachable at {REDIS_URL} ({exc}); start redis-server or set CI to fail")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def worker_db(tmp_path):
    """The DATABASE_URL of a database both this test and the worker see (see the module docstring)."""
    conn = connections["default"]
    if conn.vendor == "postgresql":
        s = conn.settings_dict
        auth = quote(s["USER"] or "", safe="") + (
            ":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else ""
        )
        host = f"{s['HOST'] or '127.0.0.1'}" + (f":{s['PORT']}" if s["PORT"] else "")
        yield f"postgres://{auth}@{host}/{quote(s['NAME'], safe='')}"
        return
    if conn.vendor != "sqlite":
        pytest.skip(f"no recipe for a worker on {conn.vendor}")
    path = tmp_path / "worker.sqlite3"
    original = connections["default"]
    shared = original.__class__({**original.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = shared
    try:
        call_command("migrate", verbosity=0)
        yield f"sqlite:///{path}"
    finally:
        shared.close()
        connections["default"] = original


@pytest.fixture
def worker(redis_db, worker_db, tmp_path):
    """A Celery worker on its own queue; stopped (warm shutdown, then killed) whatever the test does."""
    queue = f"e2e-{uuid.uuid4().hex[:12]}"
    env = dict(
        os.environ,
        DATABASE_URL=worker_db,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_RESULT_BACKEND=REDIS_URL,  # read by Celery itself, over the settings
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIAGOV_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="mediagov.settings",
    )
    log = (tmp_path / "worker.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mediagov", "worker", "--pool=solo", "--loglevel=info",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(__file__).resolve().parents[2], stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = Celery("e2e", broker=REDIS_URL, backend=REDIS_URL)
    client.conf.task_default_queue = queue
    try:
        yield client, queue, proc, log
    finally:
        proc.terminate()  # SIGTERM: warm shutdown, the current task finishes
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        client.close()
        log.close()


def _send(worker) -> dict:
    client, queue, proc, log = worker
    result = client.send_task(TASK, queue=queue)
    try:
        return result.get(timeout=TIMEOUT)
    except Exception:
        log.flush()
        log.seek(0)
        pytest.fail(
            f"{TASK} did not complete (worker exit code {proc.poll()}); worker log:\n{log.read()[-6000:]}"
        )


def test_the_beat_schedule_runs_the_daily_scan():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert TASK in tasks
    from mediagov.compliance import tasks as compliance_tasks

    assert compliance_tasks.scan_all.name == TASK
    assert compliance_tasks.scan_institution.name == "compliance.scan_institution"


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_scan_runs_on_a_real_worker_and_adds_no_duplicates(worker):
    dut = policy_load_shipped("dut")
    chem = Unit.objects.create(institution=dut, code="chem", name="化工学院")
    teacher = Person.objects.create(institution=dut, staff_no="10001", name="张三", unit=chem)
    # Active for over a year and never posted: 第十二条 twice (two empty months; fewer than 20 a year).
    account = MediaAccount.objects.create(
        institution=dut,
        name="化工学院官微",
        owner="化工学院",
        responsible_unit=chem,
        platform="wechat",
        platform_id="gh_chem",
        created_on=date.today() - timedelta(days=500),
        status="active",
        direct_responsible=teacher,
    )

    first = _send(worker)
    assert first["dut"]["persisted"] is True and first["dut"]["opened"] >= 2
    found = {(f.rule, f.article) for f in Finding.objects.filter(account=account)}
    assert ("dut-12-two-months", "第十二条") in found
    assert ("dut-12-under-20", "第十二条") in found
    rows = list(Finding.objects.filter(institution=dut).values_list("rule", "account_id", "key"))
    assert len(rows) == first["dut"]["opened"] == len(set(rows))

    second = _send(worker)
    assert second["dut"]["opened"] == 0 and second["dut"]["closed"] == 0
    assert second["dut"]["holding"] == first["dut"]["holding"]
    assert sorted(Finding.objects.filter(institution=dut).values_list("rule", "account_id", "key")) == sorted(
        rows
    )
