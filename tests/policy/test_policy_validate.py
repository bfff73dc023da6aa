"""pack_validate / pack_parse: the shipped packs are valid, and each kind of mistake is reported at its path."""

import copy
import re
from datetime import date

import pytest
import yaml

from mediagov.policy.pack import shipped_pack_path
from mediagov.policy.validate import TOP_LEVEL_KEYS, PackError, pack_json_ready, pack_parse, pack_validate

CJK = re.compile(r"[\u4e00-\u9fff]")


def shipped(code: str) -> dict:
    return yaml.safe_load(shipped_pack_path(code).read_text(encoding="utf-8"))


def errors_of(data) -> dict[str, str]:
    """{path: message} of the problems of `data` (the last message when one path has several)."""
    return {e.path: e.message for e in pack_validate(data)}


def mutated(code: str = "dut") -> dict:
    return copy.deepcopy(shipped(code))


@pytest.mark.parametrize("code", ["dut", "yufe"])
def test_shipped_packs_are_valid(code):
    data, errors = pack_parse(shipped_pack_path(code).read_text(encoding="utf-8"))
    assert errors == []
    assert data["institution"]["code"] == code
    assert pack_validate(data) == []


def test_stored_form_of_a_pack_is_still_valid():
    # What policy_load stores (dates as ISO strings) validates too, so a stored pack can be re-checked.
    stored = pack_json_ready(shipped("dut"))
    assert stored["regulation"]["published"] == "2017-09-01"
    assert pack_validate(stored) == []


def test_error_has_path_and_chinese_message():
    data = mutated()
    data["approval"]["chains"]["default"][1]["role"] = "boss"
    (error,) = pack_validate(data)
    assert error == PackError("approval.chains.default[1].role", error.message)
    assert str(error).startswith("approval.chains.default[1].role: ")
    assert "boss" in error.message and CJK.search(error.message)


def test_not_a_mapping_and_empty():
    assert [e.path for e in pack_validate(None)] == ["<root>"]
    assert [e.path for e in pack_validate(["a"])] == ["<root>"]
    data, errors = pack_parse("# only a comment\n")
    assert data is None and errors[0].path == "<root>"


def test_required_and_unknown_top_level_keys():
    data = mutated()
    del data["regulation"]
    del data["owner_kinds"]
    data["approvals"] = data.pop("approval")
    data["pack_version"] = 2
    errors = errors_of(data)
    assert "缺少必填项" in errors["regulation"]
    assert "缺少必填项" in errors["owner_kinds"]
    assert "缺少必填项" in errors["approval"]
    assert "approval" in errors["approvals"]  # suggests the key it probably meant
    assert "pack_version" in errors
    assert "approvals" not in TOP_LEVEL_KEYS


def test_identity_fields():
    data = mutated()
    data["institution"]["code"] = "DUT"
    del data["institution"]["name"]
    data["institution"]["short_name"] = None
    data["regulation"]["published"] = "2017/09/01"
    data["regulation"]["title"] = ""
    errors = errors_of(data)
    assert set(errors) >= {
        "institution.code",
        "institution.name",
        "institution.short_name",
        "regulation.published",
        "regulation.title",
    }
    assert "不能为空" in errors["institution.short_name"]


@pytest.mark.parametrize(
    ("published", "ok"),
    [
        (date(2017, 9, 1), True),
        ("2017-09-01", True),
        ("2017-02-30", False),
        ("20170901", False),
        (20170901, False),
    ],
)
def test_published_must_be_an_iso_date(published, ok):
    data = mutated()
    data["regulation"]["published"] = published
    assert ("regulation.published" not in errors_of(data)) is ok


def test_chain_steps():
    data = mutated()
    chains = data["approval"]["chains"]
    chains["default"][0]["at"] = "college"  # not a place
    chains["default"][1]["at"] = "unit"  # propaganda is institution-wide
    del chains["youth"][0]["article"]
    chains["alumni"][0]["label"] = ""
    chains["alumni"][1]["artcle"] = "第八条"  # typo: unknown key
    chains["staff_club"].append(dict(chains["staff_club"][1]))  # the same role twice
    chains["students"] = chains.pop("democratic_party")  # not an owner kind
    chains["admissions"] = []
    errors = errors_of(data)
    assert "college" in errors["approval.chains.default[0].at"]
    assert "institution" in errors["approval.chains.default[1].at"]
    assert "缺少必填项" in errors["approval.chains.youth[0].article"]
    assert "approval.chains.alumni[0].label" in errors
    assert "article" in errors["approval.chains.alumni[1].artcle"]
    assert "重复" in errors["approval.chains.staff_club[2].role"]
    assert "approval.chains.students" in errors
    assert "approval.chains.admissions" in errors


def test_default_chain_is_required():
    data = mutated()
    del data["approval"]["chains"]["default"]
    assert "approval.chains.default" in errors_of(data)
    data = mutated()
    data["approval"]["chains"]["default"] = []
    assert "approval.chains.default" in errors_of(data)


def test_extra_steps():
    data = mutated()
    extra = data["approval"]["extra_steps"]
    extra[0]["when"] = "is_mobile"
    extra[1]["before"] = "unit_head"  # DUT chains have no unit_head step
    extra[2]["article"] = ""
    extra.append(dict(extra[3]))  # duplicate (foreign_related, intl_office)
    errors = errors_of(data)
    assert "is_mobile" in errors["approval.extra_steps[0].when"]
    assert "unit_head" in errors["approval.extra_steps[1].before"]
    assert "approval.extra_steps[2].article" in errors
    assert "重复" in errors["approval.extra_steps[4]"]


def test_owner_kinds_and_departments():
    data = mutated()
    routes = data["owner_kinds"]["routes"]
    routes["youth"]["supervisor"] = "xsc"  # not a listed department
    routes["students"] = {"supervisor": "host"}
    data["departments"][0]["kind"] = "office"
    data["departments"][1]["code"] = data["departments"][2]["code"]
    del data["departments"][3]["name"]
    data["departments"][4]["code"] = "host"
    errors = errors_of(data)
    assert "xsc" in errors["owner_kinds.routes.youth.supervisor"]
    assert "owner_kinds.routes.students" in errors
    assert "office" in errors["departments[0].kind"]
    assert "重复" in errors["departments[2].code"]
    assert "departments[3].name" in errors
    assert "保留" in errors["departments[4].code"]
    # 校团委 is no longer listed, so the youth route to it is wrong too.
    data = mutated()
    data["departments"] = [d for d in data["departments"] if d["code"] != "tw"]
    assert "owner_kinds.routes.youth.supervisor" in errors_of(data)


def test_routes_are_required():
    data = mutated()
    del data["owner_kinds"]["routes"]
    assert "owner_kinds.routes" in errors_of(data)
    data["owner_kinds"]["routes"] = {}
    assert "owner_kinds.routes" in errors_of(data)


def test_deadlines():
    data = mutated()
    deadlines = data["deadlines"]
    deadlines["change"]["amount"] = -1
    deadlines["change"]["unit"] = "days"
    deadlines["change"]["from"] = "filing"
    deadlines["change"]["direction"] = "later"
    deadlines["new"]["amount"] = "3"
    deadlines["new"]["article"] = ""
    deadlines["legacy"]["from"] = "creation"  # legacy is counted from publication
    deadlines["renew"] = dict(deadlines["change"])
    errors = errors_of(data)
    assert "0" in errors["deadlines.change.amount"]
    assert "days" in errors["deadlines.change.unit"]
    assert "filing" in errors["deadlines.change.from"]
    assert "later" in errors["deadlines.change.direction"]
    assert "整数" in errors["deadlines.new.amount"]
    assert "deadlines.new.article" in errors
    assert "publication" in errors["deadlines.legacy.from"]
    assert "deadlines.renew" in errors


def test_filing_kinds_need_their_deadlines():
    data = mutated()
    del data["deadlines"]["legacy"]  # DUT lists legacy (第十条)
    data["filing_kinds"] = ["new", "legacy", "change", "cancel", "renew"]
    errors = errors_of(data)
    assert "deadlines.legacy" in errors
    assert "renew" in errors["filing_kinds[4]"]
    # YUFE has no legacy filing: a legacy deadline would never be used.
    data = mutated("yufe")
    data["deadlines"]["legacy"] = {
        "amount": 10,
        "unit": "working_days",
        "from": "publication",
        "article": "第六条",
    }
    assert "filing_kinds" in errors_of(data)["deadlines.legacy"]
    # new is always a filing kind; cancel needs no deadline.
    data = mutated("yufe")
    data["filing_kinds"] = ["change", "cancel"]
    del data["deadlines"]["new"]
    assert "new" in errors_of(data)["filing_kinds"]


def test_protected_names():
    data = mutated()
    names = data["protected_names"]
    names["keywords"] = ["大工", 3, "dut", "DUT"]
    names["requires_roles"] = ["unit_party", "boss"]
    names["allowlist"] = ["大工业", "北京"]  # 北京 contains no keyword: it exempts nothing
    names["article"] = ""
    errors = errors_of(data)
    assert "protected_names.keywords[1]" in errors
    assert "大小写" in errors["protected_names.keywords[3]"]
    assert "boss" in errors["protected_names.requires_roles[1]"]
    assert "北京" in errors["protected_names.allowlist[1]"]
    assert "protected_names.allowlist[0]" not in errors
    assert "protected_names.article" in errors
    data = mutated()
    data["protected_names"]["keywords"] = []
    assert "protected_names.keywords" in errors_of(data)


def test_protected_english_names():
    data = mutated()
    names = data["protected_names"]
    names["english"] = ["Dalian University of Technology", "大连理工", "DLUT", "DLUT"]
    names["allowlist"] = ["DLUT Road"]  # contains an English name, not a keyword: still exempts
    errors = errors_of(data)
    assert "英文字母" in errors["protected_names.english[1]"]
    assert "重复" in errors["protected_names.english[3]"]  # DLUT twice
    assert "protected_names.english[0]" not in errors and "protected_names.allowlist[0]" not in errors


def test_quotas_and_staffing():
    data = mutated()
    data["quotas"][0]["kind"] = "accounts_per_unit"
    data["quotas"][0]["max"] = 0
    data["quotas"][1]["level"] = "fatal"
    data["staffing"][0]["kind"] = "on_staff"
    del data["staffing"][1]["level"]
    data["staffing"].append({"kind": "min_admins", "level": "error", "article": "第七条"})  # needs `min`
    data["staffing"].append({"kind": "min_admins", "min": 0, "level": "error", "article": "第七条"})
    errors = errors_of(data)
    assert "accounts_per_unit" in errors["quotas[0].kind"]
    assert "1" in errors["quotas[0].max"]
    assert "fatal" in errors["quotas[1].level"]
    assert "on_staff" in errors["staffing[0].kind"]
    assert "staffing[1].level" in errors
    assert "staffing[3].min" in errors
    assert "staffing[4].min" in errors
    assert "重复" in errors["staffing[4].kind"]


def test_min_admins_with_min_is_valid():
    data = mutated()
    data["staffing"].append({"kind": "min_admins", "min": 2, "level": "warning", "article": "第七条"})
    data["staffing"].append(
        {"kind": "guiding_teacher_for_student_accounts", "level": "error", "article": "第七条", "text": "…"}
    )
    assert pack_validate(data) == []


def test_guidance_forms_alliance_monthly_report():
    data = mutated("yufe")
    data["guidance"][0]["where"] = "sidebar"
    del data["guidance"][1]["text"]
    data["forms"]["filing"] = "whut"
    data["alliance"]["article"] = "  "
    data["monthly_report"]["window"] = {"first_day": 10, "last_day": 5}
    errors = errors_of(data)
    assert "sidebar" in errors["guidance[0].where"]
    assert "guidance[1].text" in errors
    assert "whut" in errors["forms.filing"]
    assert "alliance.article" in errors
    assert "monthly_report.window" in errors
    data = mutated("yufe")
    data["monthly_report"]["window"]["last_day"] = 31
    data["monthly_report"]["window"]["first_day"] = True
    errors = errors_of(data)
    assert "28" in errors["monthly_report.window.last_day"]
    assert "monthly_report.window.first_day" in errors


def test_loose_rules_for_other_institutions():
    data = mutated()
    data["rules"] = [
        # HFUT: cancel an account with no update for a month; kinds the code does not know yet are accepted.
        {"kind": "inactivity", "article": "年审通知", "months": 1, "cancel_within": {"amount": 7}},
        {"kind": "annual_review", "article": "第七条", "level": "warning", "text": "每年年审"},
    ]
    assert pack_validate(data) == []
    data["rules"] = [
        {"kind": "Inactivity", "months": 2},
        {"article": "第七条", "level": "fatal"},
        "inactivity",
    ]
    errors = errors_of(data)
    assert "rules[0].kind" in errors
    assert "缺少必填项" in errors["rules[0].article"]
    assert "缺少必填项" in errors["rules[1].kind"]
    assert "fatal" in errors["rules[1].level"]
    assert "rules[2]" in errors


def test_all_errors_are_collected_at_once():
    data = mutated()
    data["institution"]["code"] = "Dut!"
    data["approval"]["chains"]["default"][1]["role"] = "boss"
    data["deadlines"]["change"]["unit"] = "months"
    data["quotas"][1]["max"] = 0
    data["guidance"][2]["where"] = "nowhere"
    data["owner_kinds"]["routes"]["alumni"]["supervisor"] = "xyh"
    errors = pack_validate(data)
    assert {e.path for e in errors} == {
        "institution.code",
        "owner_kinds.routes.alumni.supervisor",
        "approval.chains.default[1].role",
        "deadlines.change.unit",
        "quotas[1].max",
        "guidance[2].where",
    }
    assert len(errors) == 6
    assert all(CJK.search(e.message) for e in errors)


def test_yaml_syntax_error_reports_the_line():
    text = shipped_pack_path("dut").read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("  code: dut"))
    lines[target] = "  code: [dut"  # an unclosed flow sequence
    data, errors = pack_parse("\n".join(lines))
    assert data is None
    assert len(errors) == 1
    assert re.fullmatch(r"line \d+", errors[0].path)
    assert int(errors[0].path.split()[1]) >= target + 1
    assert "第" in errors[0].message and "行" in errors[0].message


def test_tab_indentation_and_bad_date_are_syntax_errors():
    _, errors = pack_parse("pack_version: 1\ninstitution:\n\tcode: dut\n")
    assert errors[0].path == "line 3" and "Tab" in errors[0].message
    _, errors = pack_parse("regulation:\n  published: 2017-02-30\n")
    assert errors[0].path == "line 2" and "2017-02-30" in errors[0].message


def test_duplicate_keys_are_reported():
    text = shipped_pack_path("yufe").read_text(encoding="utf-8")
    text = text.replace(
        "filing_kinds: [new, change, cancel]", "filing_kinds: [new, change, cancel]\nforms: {filing: dut}"
    )
    data, errors = pack_parse(text)
    assert data is not None
    (error,) = errors
    assert error.path.startswith("line ") and "forms" in error.message


def test_merge_keys_may_override_without_duplicate_error():
    text = shipped_pack_path("yufe").read_text(encoding="utf-8")
    text = text.replace(
        "    - {role: propaganda, at: institution, label: 党委宣传部意见, article: 第六条}",
        "    - &xcb {role: propaganda, at: institution, label: 党委宣传部意见, article: 第六条}",
    ).replace(
        "  extra_steps:\n",
        "    youth:\n      - {<<: *xcb, label: 党委宣传部意见（学生组织）}\n  extra_steps:\n",
    )
    data, errors = pack_parse(text)
    assert errors == []
    assert data["approval"]["chains"]["youth"][0]["label"] == "党委宣传部意见（学生组织）"


def test_non_plain_values_are_rejected():
    data = mutated()
    data["rules"] = [{"kind": "inactivity", "article": "第十二条", "months": {1, 2}}]
    data["guidance"][0][3] = "x"
    errors = errors_of(data)
    assert "rules[0].months" in errors
    assert "guidance[0].3" in errors


def test_alias_bomb_is_refused():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(8):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    data, errors = pack_parse("\n".join(lines))
    assert data is None and errors[0].path == "<yaml>"
