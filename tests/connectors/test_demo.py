"""The demo's example sources: disabled, so loading the demo never polls the network."""

import pytest
from django.utils import timezone

from mediagov.connectors import services
from mediagov.connectors.demo import demo_sources
from mediagov.connectors.models import Source
from mediagov.registry.models import MediaAccount

pytestmark = pytest.mark.django_db


def test_one_disabled_feed_per_institution_idempotent(world, chem_account):
    assert demo_sources(world.dut) == 0  # no active account yet
    MediaAccount.objects.filter(pk=chem_account.pk).update(status="active")
    assert demo_sources(world.dut) == 1
    assert demo_sources(world.dut) == 0
    source = Source.objects.get()
    assert (source.account, source.kind, source.enabled, source.status) == (
        chem_account,
        "feed",
        False,
        "disabled",
    )
    assert services.sources_enqueue_due(now=timezone.now(), enqueue=lambda *a: None) == []
