"""Who may act on findings and sanctions, as `rules` predicates over mediagov.core.scoping."""

import rules

from mediagov.core import scoping
from mediagov.registry.rules import can_file_for_account


@rules.predicate
def can_view_finding(user, finding):
    return finding is not None and scoping.can_view_finding(user, finding)


@rules.predicate
def can_answer_finding(user, finding):
    """Acknowledge and report rectification: the unit staff of the account, or the department (alone for a
    finding without a registered account: an unregistered use of the school's name)."""
    if finding is None:
        return False
    if finding.account_id is None:
        return scoping.is_department(user, finding.institution)
    return can_file_for_account(user, finding.account)


@rules.predicate
def is_department_of_finding(user, finding):
    """Verify, reject a rectification, waive: the propaganda department of the finding's institution."""
    return finding is not None and scoping.is_department(user, finding.institution)


@rules.predicate
def is_department_of_account(user, account):
    return account is not None and scoping.is_department(user, account.institution)


rules.add_perm("compliance.view_finding", can_view_finding)
rules.add_perm("compliance.answer_finding", can_answer_finding)
rules.add_perm("compliance.judge_finding", is_department_of_finding)
rules.add_perm("compliance.sanction_account", is_department_of_account)
