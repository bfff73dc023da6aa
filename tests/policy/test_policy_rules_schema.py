"""The compliance-rule parts of the pack schema: rule kinds, finding fields, report windows, ids, reminders.

Each mistake is reported at its path with a precise Chinese message.
"""

import copy

import pytest
import yaml

from mediagov.policy.pack import shipped_pack_path
from mediagov.policy.validate import pack_parse, pack_validate

UNITS = "working_days（工作日）、calendar_days（自然日）、weeks（周）"


def dut() -> dict:
    return copy.deepcopy(yaml.safe_load(shipped_pack_path("dut").read_text(encoding="utf-8")))


def errors_of(data) -> dict[str, str]:
    return {e.path: e.message for e in pack_validate(data)}


def with_rules(*rules: dict) -> dict:
    data = dut()
    data["rules"] = list(rules)
    return data


def report(**fields) -> dict:
    return {"id": "review", "kind": "report_window", "article": "第七条", **fields}


# ---------------------------------------------------------------- rule kinds and their fields
def test_unknown_field_of_a_rule_kind():
    data = dut()
    data["rules"][0]["mnths"] = 3
    data["staffing"][0]["owner_kinds"] = ["youth"]  # only the guiding-teacher kind takes owner_kinds
    assert errors_of(data) == {
        "rules[0].mnths": "未知的键“mnths”，是否应为“months”？",
        "staffing[0].owner_kinds": "未知的键“owner_kinds”，允许的键：level、article、text、id、severity、action、rectify",
    }


def test_missing_and_wrong_parameters():
    data = with_rules(
        {"id": "a", "kind": "inactivity_months", "article": "第十二条"},
        {"id": "b", "kind": "inactivity_days", "article": "指标", "days": 0},
        {"id": "c", "kind": "unfiled_account", "article": "第十条", "within": {"amount": 5}, "from": "birth"},
        {"id": "d", "kind": "inactivity_annual", "article": "第十二条", "min_posts": 20, "window": "year"},
    )
    errors = errors_of(data)
    assert errors == {
        "rules[0].months": "缺少必填项",
        "rules[1].days": "不能小于1（现为0）",
        "rules[2].within.unit": "缺少必填项",
        "rules[2].from": "起算点“birth”无效，应为known（帐号录入系统）、creation（创建）、publication（办法公布）之一",
        "rules[3].window": "统计区间“year”无效，应为rolling（滚动一年（检查日前365天））、calendar_year（上一自然年）之一",
    }


def test_wrong_kind_in_staffing_lists_the_kinds_with_labels():
    data = dut()
    data["staffing"][0]["kind"] = "guiding_teacher"
    message = errors_of(data)["staffing[0].kind"]
    assert message.startswith(
        "规则类型“guiding_teacher”无效，应为direct_responsible_on_staff（直接责任人须为在岗教职工）"
    )
    assert "admins_on_roster（管理员离校未交接）" in message


def test_prior_approval():
    ok = with_rules(
        {"id": "a", "kind": "prior_approval", "article": "第四条"},
        {"id": "b", "kind": "prior_approval", "article": "第五条", "requires": "submitted"},
    )
    assert pack_validate(ok) == []
    bad = with_rules(
        {"id": "a", "kind": "prior_approval", "article": "第四条", "requires": "signed", "before": 1}
    )
    assert errors_of(bad) == {
        "rules[0].requires": "开设前须完成的环节“signed”无效，应为approved（审批通过）、submitted（提交申请）之一",
        "rules[0].before": "未知的键“before”，允许的键：requires",
    }


def test_guiding_teacher_owner_kinds_and_admins_on_roster():
    data = dut()
    data["staffing"] += [
        {"kind": "guiding_teacher_for_student_accounts", "level": "error", "article": "年审通知"},
        {"kind": "admins_on_roster", "level": "error", "article": "年审通知"},
    ]
    assert pack_validate(data) == []
    data["staffing"][3]["owner_kinds"] = ["youth", "club", "youth"]
    data["staffing"][4]["owner_kinds"] = ["youth"]
    errors = errors_of(data)
    assert errors["staffing[3].owner_kinds[1]"].startswith("主体类别“club”无效，应为college（")
    assert errors["staffing[3].owner_kinds[2]"] == "“youth”重复出现"
    assert errors["staffing[4].owner_kinds"] == (
        "未知的键“owner_kinds”，允许的键：level、article、text、id、severity、action、rectify"
    )
    data["staffing"][3]["owner_kinds"] = []
    assert errors_of(data)["staffing[3].owner_kinds"] == "不能为空列表"


# ---------------------------------------------------------------- report windows
def test_report_window_first_day_after_last_day():
    data = with_rules(report(cadence="monthly", first_day=10, last_day=5))
    assert errors_of(data) == {"rules[0]": "开始日（10日）不能晚于截止日（5日）"}


def test_annual_report_needs_month_or_windows():
    data = with_rules(report(cadence="annual", first_day=1, last_day=20))
    assert errors_of(data) == {
        "rules[0].month": "每年报送（年检）须给出月份 month（或改用逐年公布的时间 windows）"
    }
    data = with_rules(report(cadence="annual"))
    assert set(errors_of(data)) == {"rules[0].month", "rules[0].first_day", "rules[0].last_day"}
    assert errors_of(data)["rules[0].last_day"] == (
        "每年报送（年检）须给出截止日 last_day（或改用逐年公布的时间 windows）"
    )
    assert pack_validate(with_rules(report(cadence="annual", month=12, first_day=1, last_day=20))) == []


def test_monthly_report_needs_its_days_and_no_month():
    data = with_rules(report(cadence="monthly", last_day=5, month=3))
    assert errors_of(data) == {
        "rules[0].first_day": "缺少必填项（每月报送须给出开始日 first_day 和截止日 last_day）",
        "rules[0].month": "month 只用于每年报送（cadence: annual），每月报送不需要",
    }


def test_annual_last_day_must_exist_in_its_month():
    data = with_rules(report(cadence="annual", month=2, first_day=1, last_day=30))
    assert errors_of(data) == {"rules[0].last_day": "2月最多29天，截止日不能是30日"}


def test_announced_windows():
    windows = [
        {"year": 2020, "first": "2020-12-18", "last": "2020-12-30"},
        {"year": 2021, "first": "2021-10-27", "last": "2021-11-15"},  # across two months
    ]
    assert pack_validate(with_rules(report(cadence="annual", windows=windows))) == []
    assert pack_validate(with_rules(report(cadence="annual", windows=[]))) == []
    bad = [
        {"year": 2021, "first": "2021-11-15", "last": "2021-10-27"},
        {"year": 2021, "first": "2021-02-30", "last": "2021-03-01"},
        {"year": 1999, "first": "2021-01-01", "lst": "2021-01-02"},
    ]
    errors = errors_of(with_rules(report(cadence="annual", windows=bad)))
    assert errors == {
        "rules[0].windows[0]": "开始日期（2021-11-15）不能晚于截止日期（2021-10-27）",
        "rules[0].windows[1].first": "“2021-02-30”不是有效日期",
        "rules[0].windows[1].year": "2021年度的审核时间与 windows[0] 重复",
        "rules[0].windows[2].year": "不能小于2000（现为1999）",
        "rules[0].windows[2].last": "缺少必填项",
        "rules[0].windows[2].lst": "未知的键“lst”，是否应为“last”？",
    }


def test_windows_exclude_a_fixed_window_and_monthly_cadence():
    both = report(cadence="annual", month=11, first_day=1, last_day=15, windows=[])
    assert errors_of(with_rules(both)) == {
        "rules[0].windows": "每年报送的时间二选一：固定时间（month、first_day、last_day）或逐年公布的时间（windows），"
        "不能同时给出（现同时有 month、first_day、last_day）"
    }
    monthly = report(cadence="monthly", first_day=1, last_day=5, windows=[])
    assert errors_of(with_rules(monthly)) == {
        "rules[0].windows": "windows 只用于每年报送（cadence: annual），每月报送不需要"
    }


def test_announced_windows_from_yaml_dates():
    # Unquoted YAML dates are read as dates; they are compared like ISO strings.
    entry = yaml.safe_load(
        "{id: annual, kind: report_window, cadence: annual, article: 年审通知,"
        " windows: [{year: 2021, first: 2021-11-15, last: 2021-10-27}]}"
    )
    data = with_rules(entry)
    assert errors_of(data) == {"rules[0].windows[0]": "开始日期（2021-11-15）不能晚于截止日期（2021-10-27）"}


# ---------------------------------------------------------------- ids
def test_duplicate_rule_ids_across_sections():
    data = dut()
    data["staffing"][0]["id"] = "dut-12-two-months"  # also rules[0]
    data["deadlines"]["change"]["id"] = "dut-change"
    data["quotas"][0]["id"] = "dut-change"
    assert errors_of(data) == {
        "quotas[0].id": "规则编号“dut-change”与 deadlines.change 重复（编号用于标识问题，全包内须唯一）",
        "rules[0].id": "规则编号“dut-12-two-months”与 staffing[0] 重复（编号用于标识问题，全包内须唯一）",
    }


def test_an_explicit_id_may_not_take_a_default_id():
    data = with_rules(
        {"id": "unfiled_account", "kind": "inactivity_days", "article": "指标", "days": 14},
        {"kind": "unfiled_account", "article": "第十条", "within": {"amount": 15, "unit": "working_days"}},
    )
    assert errors_of(data) == {
        "rules[1].kind": "规则编号“unfiled_account”与 rules[0] 重复（编号用于标识问题，全包内须唯一）"
    }


def test_two_rules_of_the_same_kind_need_ids():
    data = with_rules(
        {"kind": "inactivity_months", "article": "第十二条", "months": 2},
        {"kind": "inactivity_months", "article": "年审通知", "months": 1},
    )
    assert errors_of(data) == {
        "rules[1].id": "同一类型“inactivity_months”有多条规则时，须用 id 给每条一个编号"
    }
    data["rules"][1]["id"] = "one-month"
    assert pack_validate(data) == []


def test_bad_id():
    data = dut()
    data["rules"][0]["id"] = "DUT 12"
    assert errors_of(data) == {
        "rules[0].id": "“DUT 12”格式不对：只能用小写英文字母、数字、下划线和连字符，且以字母或数字开头"
    }


# ---------------------------------------------------------------- finding fields
@pytest.mark.parametrize(
    "place",
    [("rules", 0), ("staffing", 0), ("quotas", 1), ("deadlines", "change")],
)
def test_bad_rectify_unit_and_severity(place):
    section, key = place
    data = dut()
    data[section][key]["rectify"] = {"amount": 7, "unit": "months"}
    data[section][key]["severity"] = "critical"
    path = f"{section}[{key}]" if isinstance(key, int) else f"{section}.{key}"
    assert errors_of(data) == {
        f"{path}.rectify.unit": f"时间单位“months”无效，应为{UNITS}之一",
        f"{path}.severity": "严重程度“critical”无效，应为low（提示）、medium（一般）、high（严重）、urgent（紧急）之一",
    }


def test_rectify_and_action_shape():
    data = dut()
    data["rules"][0]["rectify"] = {"amount": -1, "unit": "weeks", "from": "today"}
    data["rules"][1]["action"] = "关停" * 151
    data["rules"][2]["rectify"] = 10
    assert errors_of(data) == {
        "rules[0].rectify.amount": "不能小于0（现为-1）",
        "rules[0].rectify.from": "未知的键“from”，允许的键：amount、unit",
        "rules[1].action": "不能超过300个字符（现有302个）",
        "rules[2].rectify": "应为映射（键: 值），实际为整数",
    }


# ---------------------------------------------------------------- reminders
def test_reminders_bad_channel_and_audience():
    data = dut()
    data["reminders"]["channels"] = ["inapp", "sms", "inapp"]
    data["reminders"]["escalate"][0]["to"] = "boss"
    assert errors_of(data) == {
        "reminders.channels[1]": "渠道“sms”无效，应为inapp（站内消息）、email（电子邮件）、wecom（企业微信群机器人）、"
        "dingtalk（钉钉群机器人）之一",
        "reminders.channels[2]": "“inapp”重复出现",
        "reminders.escalate[0].to": "升级对象“boss”无效，应为unit_head（单位负责人）、propaganda（党委宣传部）之一",
    }


@pytest.mark.parametrize("line, kind", [('"yes"', "文本"), ("1", "整数"), ("[true]", "列表")])
def test_on_due_day_must_be_a_boolean(line, kind):
    text = shipped_pack_path("dut").read_text(encoding="utf-8")
    assert "  on_due_day: true\n" in text
    _, errors = pack_parse(text.replace("  on_due_day: true\n", f"  on_due_day: {line}\n"))
    assert [(e.path, e.message) for e in errors] == [
        ("reminders.on_due_day", f"应为布尔值（true 或 false），实际为{kind}")
    ]


def test_reminders_other_mistakes():
    data = dut()
    data["reminders"].update(unit="months", before=[3, 3, 0], after=[61])
    data["reminders"]["escalate"].append({"after": 5})
    data["reminders"]["channel"] = ["email"]
    assert errors_of(data) == {
        "reminders.unit": f"时间单位“months”无效，应为{UNITS}之一",
        "reminders.before[1]": "“3”重复出现",
        "reminders.before[2]": "不能小于1（现为0）",
        "reminders.after[0]": "不能大于60（现为61）",
        "reminders.escalate[2].to": "缺少必填项",
        "reminders.channel": "未知的键“channel”，是否应为“channels”？",
    }


def test_example_must_be_a_boolean():
    data = dut()
    data["example"] = "yes"
    assert errors_of(data) == {"example": "应为布尔值（true 或 false），实际为文本"}
    data["example"] = True
    assert pack_validate(data) == []
