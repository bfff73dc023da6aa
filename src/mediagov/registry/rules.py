"""Object permissions as `rules` predicates. Every predicate reads scope through mediagov.core.scoping."""

import rules

from mediagov.core import scoping
from mediagov.org.models import Role

FILING_ROLES = {Role.OPERATOR, Role.RESPONSIBLE, Role.UNIT_HEAD, Role.UNIT_PARTY, Role.SUPERVISOR}


@rules.predicate
def can_view_account(user, account):
    return account is not None and scoping.can_view_account(user, account)


@rules.predicate
def can_file_for_account(user, account):
    """Unit staff file for their unit's accounts; the propaganda department files for any."""
    if account is None:
        return False
    for m in scoping.memberships_of(user):
        if m.institution_id != account.institution_id:
            continue
        if m.role == Role.PROPAGANDA:
            return True
        if m.role in FILING_ROLES and m.unit_id and account.responsible_unit.path.startswith(m.unit.path):
            return True
    return False


@rules.predicate
def can_view_filing(user, filing):
    return filing is not None and (
        scoping.can_view_account(user, filing.account) or can_decide_filing(user, filing)
    )


@rules.predicate
def can_decide_filing(user, filing):
    """The holder of the current step's role, who neither created nor submitted the filing."""
    if filing is None:
        return False
    step = filing.current_step()
    if step is None or user.pk in (filing.created_by_id, filing.submitted_by_id):
        return False
    return scoping.holds_step(user, step)


@rules.predicate
def is_department(user, institution):
    return institution is not None and scoping.is_department(user, institution)


rules.add_perm("registry.view_account", can_view_account)
rules.add_perm("registry.file_account", can_file_for_account)
rules.add_perm("registry.view_filing", can_view_filing)
rules.add_perm("registry.decide_filing", can_decide_filing)
rules.add_perm("registry.manage_institution", is_department)
