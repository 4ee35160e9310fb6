"""Lifecycles are tables of named moves; what the pages and services offer is read from them."""

import pytest
from django.db import models

from carecoord.lifecycle import Lifecycle, Move
from cases.models import Case, CaseEvent, Need
from cases.transitions import CASE_LIFECYCLE, NEED_LIFECYCLE
from referrals.transitions import REASON_REQUIRED, REFERRAL_LIFECYCLE


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


def anyone(actor, record):
    return True


def test_two_moves_between_the_same_statuses_are_refused_when_the_table_is_declared():
    with pytest.raises(ValueError, match="Two moves"):
        Lifecycle(
            statuses=Light,
            refusal="A light cannot go from %(current)s to %(target)s.",
            moves=[
                Move("go", sources=(Light.RED,), target=Light.GREEN, who=anyone),
                Move("also_go", sources=(Light.RED,), target=Light.GREEN, who=anyone),
            ],
        )


@pytest.mark.parametrize("lifecycle", [CASE_LIFECYCLE, NEED_LIFECYCLE], ids=["case", "need"])
def test_every_case_side_move_writes_a_timeline_event_and_names_who_may(lifecycle):
    for move in lifecycle.moves.values():
        assert move.event in CaseEvent.Kind.values, move.name
        assert callable(move.who), move.name


def test_a_closed_case_is_the_only_status_no_move_leaves_but_reopening():
    assert CASE_LIFECYCLE.next_statuses(Case.Status.CLOSED) == [Case.Status.ACTIVE]
    assert CASE_LIFECYCLE.terminal == ()


def test_every_resolution_of_a_need_asks_for_a_note():
    resolving = {move.target for move in NEED_LIFECYCLE.moves.values() if move.note_required}
    assert resolving == set(Need.RESOLVED)


def test_the_moves_that_need_a_reason_are_read_from_the_referral_table():
    assert REASON_REQUIRED == {"rejected", "cancelled", "failed", "on-hold"}
    assert all(
        REFERRAL_LIFECYCLE.between(status, "cancelled") for status in ("draft", "requested", "on-hold")
    )


class _Record:
    def __init__(self, status, version, updated_by_id):
        self.status, self.version, self.updated_by_id = status, version, updated_by_id


class _Actor:
    pk = 7


def test_a_refused_move_repeating_the_actors_own_last_move_is_recognised():
    from carecoord.lifecycle import is_repeated_move

    saved = _Record("active", 4, 7)

    assert is_repeated_move(saved, target="active", version="3", actor=_Actor())
    assert not is_repeated_move(saved, target="active", version=2, actor=_Actor())  # an older form
    assert not is_repeated_move(saved, target="closed", version=3, actor=_Actor())  # another move
    assert not is_repeated_move(_Record("active", 4, 8), target="active", version=3, actor=_Actor())
    assert not is_repeated_move(saved, target="active", version=None, actor=_Actor())
