"""The dashboard's to-do lists: each category, scoped to the user, with today frozen."""

from datetime import date

import pytest
import time_machine

from mediagov.dashboard.selectors import todo_for
from mediagov.registry.models import FilingState, StepDecision

from .builders import decide, open_filing

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 3, 10)  # 3 working days later is Friday 2026-03-13


def names(items) -> set[str]:
    return {item.filing.account.name for item in items}


@time_machine.travel(TUESDAY, tick=False)
def test_waiting_for_me_is_the_step_holder_and_never_the_filer(world):
    filing = open_filing(world, "化工学院新闻")
    assert names(todo_for(world.chem_party, world.dut, TUESDAY).to_decide) == {"化工学院新闻"}
    for user in (world.chem_op, world.xuan, world.mech_head, world.tw_sup, world.stranger):
        assert todo_for(user, world.dut, TUESDAY).to_decide == []
    item = todo_for(world.chem_party, world.dut, TUESDAY).to_decide[0]
    assert item.step.label == "所在二级党组织意见"
    assert item.citation == "《大连理工大学新媒体管理办法》第八条"

    decide(filing, world.chem_party)
    assert todo_for(world.chem_party, world.dut, TUESDAY).to_decide == []
    assert names(todo_for(world.xuan, world.dut, TUESDAY).to_decide) == {"化工学院新闻"}
    # Another institution's pending filings never show up.
    assert todo_for(world.yufe_xuan, world.yufe, TUESDAY).to_decide == []


@time_machine.travel(TUESDAY, tick=False)
def test_the_propaganda_officer_never_decides_what_he_filed_himself(world):
    filing = open_filing(world, "化工学院代建号", user=world.xuan)
    decide(filing, world.chem_party)
    assert todo_for(world.xuan, world.dut, TUESDAY).to_decide == []


@time_machine.travel(TUESDAY, tick=False)
def test_my_open_filings_are_my_drafts_and_returned_filings(world):
    open_filing(world, "化工学院草稿", submit=False)
    returned = open_filing(world, "化工学院退回")
    decide(returned, world.chem_party, StepDecision.RETURNED, "定位不清晰")
    open_filing(world, "化工学院审批中")
    open_filing(world, "机械学院草稿", unit=world.mech, user=world.mech_op, submit=False)

    mine = todo_for(world.chem_op, world.dut, TUESDAY).my_open
    assert names(mine) == {"化工学院草稿", "化工学院退回"}
    states = {item.filing.account.name: item.filing.state for item in mine}
    assert states["化工学院退回"] == FilingState.RETURNED
    # The decider and the department see them elsewhere, not as their own to-dos.
    assert todo_for(world.chem_party, world.dut, TUESDAY).my_open == []
    assert todo_for(world.xuan, world.dut, TUESDAY).my_open == []
    assert names(todo_for(world.mech_op, world.dut, TUESDAY).my_open) == {"机械学院草稿"}


@time_machine.travel(TUESDAY, tick=False)
def test_deadlines_within_three_working_days(world):
    # DUT 第八条: a new account is approved before it opens; the deadline is the planned opening date.
    open_filing(world, "今天到期", planned_open_on=date(2026, 3, 10))
    open_filing(world, "周五到期", planned_open_on=date(2026, 3, 13))
    open_filing(world, "下周一到期", planned_open_on=date(2026, 3, 16))
    open_filing(world, "已经逾期", planned_open_on=date(2026, 3, 9))
    open_filing(
        world, "机械学院周四到期", unit=world.mech, user=world.mech_op, planned_open_on=date(2026, 3, 12)
    )

    todo = todo_for(world.chem_op, world.dut, TUESDAY)
    assert todo.horizon == date(2026, 3, 13) and todo.calendar_error == ""
    assert [i.filing.account.name for i in todo.due_soon] == ["今天到期", "周五到期"]
    assert [i.working_days_left for i in todo.due_soon] == [0, 3]
    assert todo.due_soon[0].citation == "开通前须审批通过（《大连理工大学新媒体管理办法》第八条）"

    department = todo_for(world.xuan, world.dut, TUESDAY)
    assert names(department.due_soon) == {"今天到期", "机械学院周四到期", "周五到期"}
    assert names(todo_for(world.mech_op, world.dut, TUESDAY).due_soon) == {"机械学院周四到期"}
    assert todo_for(world.acc_op, world.yufe, TUESDAY).due_soon == []


@time_machine.travel(TUESDAY, tick=False)
def test_holidays_stretch_the_three_working_days(world):
    # Thursday 2026-04-30: 1–5 May is the Labour Day holiday; the third working day after is Friday 8 May.
    thursday = date(2026, 4, 30)
    open_filing(world, "节后到期", planned_open_on=date(2026, 5, 8))
    open_filing(world, "下周到期", planned_open_on=date(2026, 5, 11))
    todo = todo_for(world.chem_op, world.dut, thursday)
    assert todo.horizon == date(2026, 5, 8)
    assert names(todo.due_soon) == {"节后到期"}


@time_machine.travel(TUESDAY, tick=False)
def test_overdue_items_are_open_filings_past_their_deadline(world):
    late = open_filing(world, "已经逾期", planned_open_on=date(2026, 3, 6))
    approved = open_filing(world, "逾期但已办结", planned_open_on=date(2026, 3, 2))
    decide(approved, world.chem_party)
    decide(approved, world.xuan)
    open_filing(world, "机械学院逾期", unit=world.mech, user=world.mech_op, planned_open_on=date(2026, 3, 9))

    todo = todo_for(world.chem_op, world.dut, TUESDAY)
    assert names(todo.overdue) == {"已经逾期"}
    assert todo.overdue[0].filing == late
    assert todo.overdue[0].working_days_overdue == 2  # Monday 9 and Tuesday 10 March
    assert todo.overdue[0].citation.endswith("第八条）")
    assert names(todo_for(world.xuan, world.dut, TUESDAY).overdue) == {"已经逾期", "机械学院逾期"}
    assert todo_for(world.stranger, world.dut, TUESDAY).overdue == []


@time_machine.travel(TUESDAY, tick=False)
def test_a_deadline_that_cannot_be_computed_is_a_warning(world):
    # YUFE 第六条: five working days after creation; late December 2026 reaches into 2027, which has no data.
    filing = open_filing(
        world,
        "会计学院年末号",
        unit=world.acc,
        user=world.acc_op,
        inst=world.yufe,
        created_on=date(2026, 12, 28),
    )
    assert filing.due_date is None and "2027年" in filing.due_error

    todo = todo_for(world.acc_op, world.yufe, TUESDAY)
    assert names(todo.undated) == {"会计学院年末号"}
    assert (
        todo.undated[0].citation == "创建后5个工作日内（《云南财经大学新媒体建设与管理办法（修订）》第六条）"
    )
    assert todo.due_soon == [] and todo.overdue == []
    assert todo_for(world.xuan, world.dut, TUESDAY).undated == []


def test_missing_calendar_year_is_reported_not_raised(world):
    # 2026-12-30 plus three working days is in 2027, which chinese-calendar 1.11 does not cover.
    with time_machine.travel(date(2026, 12, 20), tick=False):
        open_filing(world, "年末到期", planned_open_on=date(2026, 12, 31))
        open_filing(world, "元旦后到期", planned_open_on=date(2027, 1, 5))
        open_filing(world, "一月中旬到期", planned_open_on=date(2027, 1, 15))
    today = date(2026, 12, 30)
    with time_machine.travel(today, tick=False):
        todo = todo_for(world.chem_op, world.dut, today)
    assert todo.horizon is None
    assert "2027年的节假日安排尚未导入" in todo.calendar_error
    # Listed by calendar days until the year's notice is imported.
    assert names(todo.due_soon) == {"年末到期", "元旦后到期"}
    assert {i.working_days_left for i in todo.due_soon} == {1, None}


@time_machine.travel(TUESDAY, tick=False)
def test_counters_are_scoped_to_what_the_user_sees(world):
    approved = open_filing(world, "化工学院已备案")
    decide(approved, world.chem_party)
    decide(approved, world.xuan)
    open_filing(world, "化工学院申请中")
    open_filing(world, "机械学院申请中", unit=world.mech, user=world.mech_op)

    chem = todo_for(world.chem_op, world.dut, TUESDAY)
    counts = {row.status: row.count for row in chem.accounts_by_status}
    assert counts == {"pending": 1, "active": 1, "rectifying": 0, "suspended": 0, "cancelled": 0}
    assert chem.accounts_total == 2 and chem.alliance_members == 1
    assert chem.overview is None

    department = todo_for(world.xuan, world.dut, TUESDAY)
    assert department.accounts_total == 3 and department.alliance_members == 1
    assert todo_for(world.stranger, world.dut, TUESDAY).accounts_total == 0


@time_machine.travel(TUESDAY, tick=False)
def test_the_department_sees_the_whole_institution(world):
    open_filing(world, "化工学院甲", planned_open_on=date(2026, 3, 9))
    open_filing(world, "化工实验室乙", unit=world.chem_lab)
    youth = open_filing(world, "化工学院学生会", owner_kind="youth")
    mech = open_filing(world, "机械学院丙", unit=world.mech, user=world.mech_op)
    decide(mech, world.mech_head)

    overview = todo_for(world.xuan, world.dut, TUESDAY).overview
    rows = {row.unit.code: row for row in overview.units}
    # The lab is rolled up into 化工学院.
    assert (rows["chem"].accounts, rows["chem"].open_filings, rows["chem"].overdue_filings) == (3, 3, 1)
    assert rows["chem"].pending_accounts == 3
    assert (rows["mech"].accounts, rows["mech"].open_filings) == (1, 1)
    assert "chem-lab" not in rows
    steps = {row.label: row.count for row in overview.pending_steps}
    assert steps == {"所在二级党组织意见": 2, "校团委意见": 1, "党委宣传部、新闻中心意见": 1}
    assert overview.pending_total == 4
    assert youth.current_step().label == "校团委意见"
    assert todo_for(world.it, world.dut, TUESDAY).overview is None
    assert todo_for(world.yufe_xuan, world.yufe, TUESDAY).overview.pending_total == 0
