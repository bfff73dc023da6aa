"""Small builders for registry tests."""

from mediagov.registry import services
from mediagov.registry.models import FilingKind
from mediagov.registry.platforms import Platform


def register(
    w, *, unit=None, name="化工学院", platform=Platform.WECHAT, user=None, inst=None, managers=None, **extra
):
    inst = inst or w.dut
    unit = unit or w.chem
    fields = {
        "name": name,
        "owner": unit.name,
        "owner_kind": unit.kind,
        "responsible_unit": unit,
        "platform": platform,
        "platform_id": extra.pop("platform_id", f"gh_{abs(hash((name, platform))) % 10**10:010d}"),
        "direct_responsible": extra.pop("direct_responsible", w.p_chem if inst == w.dut else w.p_acc),
    }
    fields.update(extra)
    return services.account_register(
        institution=inst, user=user or w.chem_op, fields=fields, managers=managers
    )


def file_new(w, account, *, user=None, kind=FilingKind.NEW):
    user = user or w.chem_op
    filing = services.filing_create(account=account, kind=kind, user=user)
    return services.filing_submit(filing=filing, user=user)
