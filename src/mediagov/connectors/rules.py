"""Who may set up sources, as `rules` predicates. Scope is read through mediagov.core.scoping."""

import rules

from . import services


@rules.predicate
def can_manage_sources(user, institution):
    """The 党委宣传部 and the IT center (网络与信息化中心) of the institution."""
    return institution is not None and services.may_manage(user, institution)


@rules.predicate
def can_set_connector_secret(user, institution):
    """Only the IT center sets AppSecrets (DUT 第四条（二）: technical guidance and platform data)."""
    return institution is not None and services.may_set_secret(user, institution)


rules.add_perm("connectors.manage_sources", can_manage_sources)
rules.add_perm("connectors.set_secret", can_set_connector_secret)
