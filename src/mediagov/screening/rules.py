"""Who may write and decide drafts of 先审后发, as `rules` predicates. Scope is read through core.scoping."""

import rules

from mediagov.core import scoping
from mediagov.org.models import Role
from mediagov.registry.rules import FILING_ROLES


@rules.predicate
def can_write_reviews(user, institution):
    """Members who write for accounts: the propaganda department and unit staff (each draft is checked
    against its account with `registry.file_account`)."""
    if institution is None:
        return False
    return any(
        m.institution_id == institution.pk
        and (m.role == Role.PROPAGANDA or (m.role in FILING_ROLES and m.unit_id))
        for m in scoping.memberships_of(user)
    )


@rules.predicate
def can_decide_review(user, review):
    from .reviews import can_decide

    return review is not None and can_decide(user, review)


rules.add_perm("screening.write_review", can_write_reviews)
rules.add_perm("screening.decide_review", can_decide_review)
