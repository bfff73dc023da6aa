"""Evaluation: precision and recall of the name watch (DUT 第九条) and of the content screening on the
labelled set in bench/eval/ (names.csv, snippets.csv, registry.csv; built by bench/eval/generate.py).

Runs on a throw-away SQLite database (no server needed): migrate, the DUT and YUFE packs with their demo
lexicons, and the registered accounts of registry.csv. Prints per task the counts, precision, recall, whether
the goal (>= 0.95 both) is met, and the first misclassified items.

    .venv/bin/python bench/eval_screening.py [--all]    # --all lists every misclassified item
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.95
SHOWN = 20
EVAL = Path(__file__).resolve().parent / "eval"


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="mediagov-eval-")
    os.environ.update(
        MEDIAGOV_VAR_DIR=tmp,
        DATABASE_URL=f"sqlite:///{tmp}/eval.sqlite3",
        MEDIAGOV_DEBUG="0",
        DJANGO_SETTINGS_MODULE="mediagov.settings",
    )
    try:
        run("--all" in sys.argv)  # accuracy is reported, not asserted: `make bench` goes on either way
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(show_all: bool) -> bool:
    import django

    django.setup()
    from django.core.management import call_command

    from mediagov.screening.evaluation import evaluation_setup, names_evaluate, read_csv, snippets_evaluate

    call_command("migrate", verbosity=0, interactive=False)
    institutions = evaluation_setup(EVAL)
    names = read_csv(EVAL / "names.csv")
    snippets = read_csv(EVAL / "snippets.csv")
    t = time.perf_counter()
    name_score = names_evaluate(names, institutions)
    t_names = time.perf_counter() - t
    t = time.perf_counter()
    snippet_score = snippets_evaluate(snippets, institutions["dut"])
    t_snippets = time.perf_counter() - t
    by_inst = {}
    for row in names:
        by_inst[row["institution"]] = by_inst.get(row["institution"], 0) + 1
    verdicts = {}
    for row in names:
        verdicts[row["expected_verdict"]] = verdicts.get(row["expected_verdict"], 0) + 1
    ok = True
    ok &= report(
        f"name watch: {len(names)} discovered accounts "
        f"({', '.join(f'{k} {v}' for k, v in sorted(by_inst.items()))}; "
        f"{', '.join(f'{k} {v}' for k, v in sorted(verdicts.items()))}) in {t_names:.2f} s",
        "flags (unregistered_use/impersonation; the verdict must match)",
        name_score,
        show_all,
    )
    positives = sum(1 for r in snippets if r["expected_categories"])
    ok &= report(
        f"screening: {len(snippets)} texts ({positives} with a violation, {len(snippets) - positives} benign) "
        f"against the DUT demo lexicon in {t_snippets:.2f} s",
        "(text, category) pairs raising a finding",
        snippet_score,
        show_all,
    )
    return ok


def report(title: str, unit: str, score, show_all: bool) -> bool:
    met = score.met(GOAL)
    print(f"eval/{title}")
    print(f"  {unit}: TP {score.tp}, FP {score.fp}, FN {score.fn}")
    print(
        f"  precision {score.precision:.3f}, recall {score.recall:.3f} "
        f"(goal >= {GOAL} both): {'met' if met else 'MISSED'}"
    )
    misses = score.misses if show_all else score.misses[:SHOWN]
    print(f"  misclassified: {len(score.misses)}" + (f" (first {len(misses)})" if misses else ""))
    for m in misses:
        print(f"    {m.what!r} [{m.case}]: expected {m.expected or '-'}, got {m.got or '-'}  {m.detail}")
    return met


if __name__ == "__main__":
    main()
