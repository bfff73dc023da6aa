"""Choosing the stage to send, without the database: per audience, the latest one that has come."""

from datetime import date

from mediagov.notifications.services import Stage, latest_stages

STAGES = [
    Stage("before-3", "responsible", date(2026, 3, 5), 0),
    Stage("before-1", "responsible", date(2026, 3, 9), 1),
    Stage("due", "responsible", date(2026, 3, 10), 2),
    Stage("after-1", "responsible", date(2026, 3, 11), 3),
    Stage("escalate-unit_head", "unit_head", date(2026, 3, 11), 4),
    Stage("escalate-propaganda", "propaganda", date(2026, 3, 13), 5),
]


def names(today):
    return {audience: stage.name for audience, stage in latest_stages(STAGES, today).items()}


def test_nothing_before_the_first_stage():
    assert names(date(2026, 3, 4)) == {}


def test_between_stages_the_last_one_that_came():
    assert names(date(2026, 3, 6)) == {"responsible": "before-3"}
    assert names(date(2026, 3, 12)) == {"responsible": "after-1", "unit_head": "escalate-unit_head"}


def test_long_after_every_audience_has_its_latest_only():
    assert names(date(2026, 6, 1)) == {
        "responsible": "after-1",
        "unit_head": "escalate-unit_head",
        "propaganda": "escalate-propaganda",
    }


def test_same_date_the_later_stage_of_the_pack_wins():
    # 0 days "after" and the due day fall together: the one listed later wins.
    stages = [
        Stage("due", "responsible", date(2026, 3, 10), 0),
        Stage("after-0", "responsible", date(2026, 3, 10), 1),
    ]
    assert latest_stages(stages, date(2026, 3, 10))["responsible"].name == "after-0"
