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
