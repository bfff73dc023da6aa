"""Who may import posts, as a `rules` predicate. Scope is read through mediagov.core.scoping."""

import rules

from mediagov.core import scoping
from mediagov.org.models import Role
from mediagov.registry.rules import FILING_ROLES


@rules.predicate
def can_import_posts(user, institution):
    """Members who file accounts: the propaganda department (for every account of the institution) and unit
    staff (for their unit's accounts; `post_import` checks each row's account with registry.file_account)."""
    if institution is None:
        return False
    for m in scoping.memberships_of(user):
        if m.institution_id != institution.pk:
            continue
        if m.role == Role.PROPAGANDA or (m.role in FILING_ROLES and m.unit_id):
            return True
    return False


rules.add_perm("activity.import_posts", can_import_posts)


# ---------------------------------------------------------------- monthly reports (月报表, YUFE 第十五条)
# Who fills in and submits an account's report: the staff who run it (its unit's operators and responsible
# staff, and its direct responsible person). The unit head gives the unit's opinion and the propaganda
# department its own; nobody signs an opinion on a report they submitted (services check that and the state).
REPORT_FILERS = {Role.OPERATOR, Role.RESPONSIBLE}


def _in_unit(membership, account) -> bool:
    return bool(membership.unit_id) and account.responsible_unit.path.startswith(membership.unit.path)


@rules.predicate
def can_fill_report(user, report):
    if report is None or user is None or not user.is_authenticated:
        return False
    account = report.account
    person = account.direct_responsible
    if person is not None and person.user_id == user.pk:
        return True
    return any(
        m.institution_id == account.institution_id and m.role in REPORT_FILERS and _in_unit(m, account)
        for m in scoping.memberships_of(user)
    )


@rules.predicate
def is_report_unit_head(user, report):
    if report is None:
        return False
    account = report.account
    return any(
        m.institution_id == account.institution_id and m.role == Role.UNIT_HEAD and _in_unit(m, account)
        for m in scoping.memberships_of(user)
    )


@rules.predicate
def is_report_department(user, report):
    return report is not None and scoping.is_department(user, report.account.institution)


rules.add_perm("activity.fill_report", can_fill_report)
rules.add_perm("activity.sign_report_unit", is_report_unit_head)
rules.add_perm("activity.sign_report_department", is_report_department)
