"""Scoring the name watch and the content screening against a labelled evaluation set (`bench/eval/`).

`evaluation_setup(root)` loads the DUT and YUFE packs, their demo lexicons and the registered accounts of
`registry.csv` into the current database; `names_evaluate(rows)` and `snippets_evaluate(rows)` run the
code on the labelled rows and return a `Score`. `bench/eval_screening.py` prints them (docs/performance.md).

- Name watch: the positives are the flagged verdicts (unregistered_use, impersonation). A flagged answer
  counts as right only with the expected verdict: an impersonation called unregistered_use is a false
  positive and a false negative. precision = right flags / flags given, recall = right flags / flags due.
- Screening: the positives are (text, category) pairs, with the categories that raise a finding on a
  published post (`screening.posts.finding_hits`: lexicon hits, not the ad signals nor protected names).
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .namewatch import FLAGGED, Discovered, NameWatch
from .posts import finding_hits
from .services import screen_text


@dataclass
class Miss:
    what: str  # the name or text
    expected: str
    got: str
    case: str = ""
    detail: str = ""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    items: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def met(self, goal: float) -> bool:
        return self.precision >= goal and self.recall >= goal


def read_csv(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def evaluation_setup(root: Path) -> dict:
    """The packs, demo lexicons and registered accounts of the evaluation set; {code: institution}."""
    from mediagov.org.models import Unit, UnitKind
    from mediagov.policy.services import policy_load_shipped
    from mediagov.registry.models import AccountStatus, MediaAccount
    from mediagov.registry.platforms import normalise_handle, platform_from_text

    from .services import lexicon_demo_load

    institutions = {}
    for row in read_csv(Path(root) / "registry.csv"):
        code = row["institution"]
        if code not in institutions:
            inst = institutions[code] = policy_load_shipped(code)
            lexicon_demo_load(inst)
        inst = institutions[code]
        unit, _ = Unit.objects.get_or_create(
            institution=inst, code="eval", defaults={"name": "党委宣传部", "kind": UnitKind.COLLEGE}
        )
        platform = platform_from_text(row["平台"])
        MediaAccount.objects.create(
            institution=inst,
            name=row["名称"],
            owner=unit.name,
            responsible_unit=unit,
            platform=platform,
            platform_id=row["原始ID"] or row["帐号ID"],
            handle=normalise_handle(platform, row["帐号ID"]),
            status=AccountStatus.ACTIVE,
        )
    return institutions


def names_evaluate(rows: list[dict], institutions: dict) -> Score:
    score = Score()
    watches = {code: NameWatch(inst) for code, inst in institutions.items()}
    for row in rows:
        d = Discovered(row["平台"], row["名称"], row["帐号ID"], row["链接"], row["简介"])
        got = watches[row["institution"]].check(d)
        expected = row["expected_verdict"]
        score.items += 1
        right = got.verdict == expected
        if right and expected in FLAGGED:
            score.tp += 1
        if not right:
            score.fp += got.verdict in FLAGGED
            score.fn += expected in FLAGGED
            score.misses.append(
                Miss(row["名称"], expected, got.verdict, row.get("case", ""), "；".join(got.evidence))
            )
    return score


def snippets_evaluate(rows: list[dict], institution) -> Score:
    score = Score()
    for row in rows:
        expected = {c for c in row["expected_categories"].split(";") if c}
        hits = finding_hits(screen_text(institution, row["text"]))
        got = {h.category for h in hits}
        score.items += 1
        score.tp += len(got & expected)
        score.fp += len(got - expected)
        score.fn += len(expected - got)
        if got != expected:
            detail = "、".join(f"{h.text}→{h.term}" for h in hits)
            score.misses.append(
                Miss(
                    row["text"],
                    ";".join(sorted(expected)),
                    ";".join(sorted(got)),
                    row.get("case", ""),
                    detail,
                )
            )
    return score
