"""The admin for lexicons and terms: lists render, and an edit is a new lexicon version."""

from django.urls import reverse

from mediagov.screening.models import Lexicon, Term
from mediagov.screening.services import lexicon_demo_load


def test_admin_lists_render(world, admin_client):
    lexicon_demo_load(world.dut)
    for name in ("admin:screening_lexicon_changelist", "admin:screening_term_changelist"):
        response = admin_client.get(reverse(name))
        assert response.status_code == 200
    lexicon = Lexicon.objects.get()
    assert "绝密" in admin_client.get(reverse("admin:screening_lexicon_change", args=[lexicon.pk])).text


def test_editing_a_term_in_the_admin_bumps_the_version(world, admin_client):
    lexicon = lexicon_demo_load(world.dut)
    term = Term.objects.get(lexicon=lexicon, text="绝密")
    response = admin_client.post(
        reverse("admin:screening_term_change", args=[term.pk]),
        {
            "lexicon": lexicon.pk,
            "text": "绝密",
            "category": "classified",
            "variants": '["绝 密"]',
            "allowlist": "[]",
            "severity": "urgent",
            "blocks_publication": "unknown",
            "correction": "",
            "added_in": 1,
        },
    )
    assert response.status_code == 302, response.text[:2000]
    lexicon.refresh_from_db()
    assert lexicon.version == 2
    assert lexicon.versions.get(number=2).source == "管理后台"


def test_discovered_accounts_are_listed_read_only(world, admin_client):
    from mediagov.screening.models import DiscoveredAccount
    from mediagov.screening.namewatch import Discovered, namewatch_record

    [saved] = namewatch_record(world.dut, [Discovered("抖音", "大工树洞", "dgsd")])
    listing = admin_client.get(
        reverse("admin:screening_discoveredaccount_changelist") + "?verdict=unregistered_use"
    )
    assert listing.status_code == 200 and "大工树洞" in listing.text
    change = admin_client.get(reverse("admin:screening_discoveredaccount_change", args=[saved.pk]))
    assert change.status_code == 200 and 'name="name"' not in change.text  # nothing to edit
    assert admin_client.get(reverse("admin:screening_discoveredaccount_add")).status_code == 403
    assert DiscoveredAccount.objects.count() == 1
