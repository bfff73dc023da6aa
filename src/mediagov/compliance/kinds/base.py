"""What every rule kind shares: the draft of a finding it returns and the registry of kinds.

A rule kind is one small class with a `kind` name and `evaluate(spec, snapshot) -> list[FindingDraft]`. It
reads only the `Snapshot` (the institution as of the scan date), never the database, so evaluating "as of"
a past date is the same computation as evaluating today, and a rule is tested with plain data.
"""

from dataclasses import dataclass, field
from datetime import date

from mediagov.policy.pack import LEVEL_SEVERITY, RuleSpec


@dataclass
class FindingDraft:
    rule: str
    kind: str
    account_id: int
    key: str
    title: str
    message: str
    evidence: dict
    since: date | None  # the day the condition started to hold; the due date counts from it
    article: str = ""
    severity: str = ""
    action: str = ""
    rectify: dict | None = None
    responsible: list = field(default_factory=list)
    due: date | None = None
    due_rule: str = ""
    due_error: str = ""


class Rule:
    kind: str = ""
    label: str = ""  # 中文: what the kind checks, shown in docs and the overview
    label_template: str = ""  # the label with the rule's parameters, e.g. "连续{months}个自然月未更新"

    def describe(self, spec: RuleSpec) -> str:
        """The label of one rule of the pack, its parameters filled in."""
        if self.label_template:
            try:
                return self.label_template.format(**spec.params)
            except (KeyError, IndexError):
                pass
        return self.label

    default_action: str = ""
    default_severity: str = ""
    # The optional parts of the snapshot the rule reads ("managers", "reports"): a snapshot reads them only
    # when one of the pack's rules does (they are None otherwise, so an undeclared read fails loudly).
    reads: tuple[str, ...] = ()

    def windows(self, spec: RuleSpec, as_of: date) -> list[tuple[date, date, int | None]]:
        """Post-count windows (start, end, cap) the rule needs: posts in [start, end), counted exactly up to
        `cap` (a count of `cap` means "at least cap"; None counts them all). The snapshot counts every window
        in one query; a cap lets it stop reading an account's posts once the rule's threshold is reached."""
        return []

    def evaluate(self, spec: RuleSpec, snap) -> list[FindingDraft]:
        raise NotImplementedError

    def draft(self, spec: RuleSpec, account, *, key="", title, message, evidence, since) -> FindingDraft:
        return FindingDraft(
            rule=spec.id,
            kind=spec.kind,
            account_id=account.id,
            key=key,
            title=title,
            message=message,
            evidence=evidence,
            since=since,
            article=spec.article,
            severity=spec.severity or self.default_severity or LEVEL_SEVERITY.get(spec.level, "medium"),
            action=spec.action or self.default_action,
            rectify=spec.rectify,
        )


RULES: dict[str, Rule] = {}


def register(cls):
    RULES[cls.kind] = cls()
    return cls
