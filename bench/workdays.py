"""Benchmark: working-day due dates, ours (with the override table) beside chinese-calendar's find_workday.

Runs against a fresh temporary SQLite database. Prints both figures; asserts nothing about speed.
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta

tmp = tempfile.mkdtemp(prefix="mediagov-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
os.environ["MEDIAGOV_VAR_DIR"] = tmp
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")

import django  # noqa: E402

django.setup()

import chinese_calendar  # noqa: E402
from django.core.management import call_command  # noqa: E402

from mediagov.workdays.services import add_working_days, calendar_cache_clear  # noqa: E402

N = int(os.environ.get("BENCH_N", "200000"))


def main() -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    start = date(2025, 1, 1)
    cases = [(start + timedelta(days=rng.randrange(0, 690)), rng.randrange(1, 16)) for _ in range(N)]

    calendar_cache_clear()
    t0 = time.perf_counter()
    ours = [add_working_days(d, n) for d, n in cases]
    t_ours = time.perf_counter() - t0

    sample = cases[: min(N, 20_000)]  # the baseline is slow: time a sample, compare rates
    t0 = time.perf_counter()
    # chinese-calendar counts "the n-th workday from d" including d when d is a workday; our semantics exclude
    # D, so the baseline is asked from the day after.
    base = [chinese_calendar.find_workday(n - 1, _next_workday(d)) for d, n in sample]
    t_base = time.perf_counter() - t0

    mismatches = sum(1 for a, b in zip(ours, base, strict=False) if a != b)
    ours_rate, base_rate = N / t_ours, len(sample) / t_base
    print("workdays: due dates 'N working days after D', D in 2025-2026, N in 1..15")
    print(f"  ours (add_working_days, overrides + package): {N:,} in {t_ours:.2f} s = {ours_rate:,.0f}/s")
    print(
        f"  baseline (chinese_calendar.find_workday):     {len(sample):,} in {t_base:.2f} s = {base_rate:,.0f}/s"
    )
    print(f"  speed-up: {ours_rate / base_rate:.1f}x; answers that differ on the sample: {mismatches}")
    sys.exit(1 if mismatches else 0)


def _next_workday(d: date) -> date:
    d += timedelta(days=1)
    while not chinese_calendar.is_workday(d):
        d += timedelta(days=1)
    return d


if __name__ == "__main__":
    main()
