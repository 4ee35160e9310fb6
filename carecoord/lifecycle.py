"""Lifecycles as tables of named moves (django-oscar's status pipeline, viewflow's transitions).

A move names the statuses it starts from, the status it reaches, who may make
it and the event it writes; each app declares its table once
(``cases/transitions.py``, ``referrals/transitions.py``) and one mover per
aggregate checks it. The allowed pairs, the next statuses a form offers and
the terminal statuses are all read from the table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from .services import is_repeated_edit


@dataclass(frozen=True)
class Move:
    """One named move of a lifecycle.

    ``who(actor, record)`` answers whether the actor may make it; ``refusal`` is
    the message when the record is not in one of ``sources`` (by default "cannot
    go from … to …"); ``note_required`` is the message when the move needs a
    note (a reason, a resolution) and got none; ``guard(record)`` raises
    ValidationError when something else stops the move; ``effects(record, now,
    note)`` stamps what the move changes besides the status.
    """

    name: str
    sources: tuple
    target: str
    who: Callable
    event: str = ""
    refusal: str = ""
    note_required: str = ""
    guard: Callable | None = None
    effects: Callable | None = None


class Lifecycle:
    """The moves of one kind of record, by name, and what follows from them."""

    def __init__(self, *, statuses, moves, refusal):
        """``refusal``: the message for a move the table does not have, with %(current)s and %(target)s."""
        self.statuses = statuses
        self.refusal = refusal
        self.moves = {move.name: move for move in moves}
        for move in moves:
            for source in move.sources:
                if self.between(source, move.target) is not move:
                    raise ValueError(f"Two moves go from {source} to {move.target}.")

    def __getitem__(self, name):
        return self.moves[name]

    def between(self, current, target):
        """The move from ``current`` to ``target``, or None when the table has none."""
        return next(
            (move for move in self.moves.values() if current in move.sources and move.target == target),
            None,
        )

    @property
    def allowed(self):
        """{status: set of statuses it may move to}, every status listed."""
        return {
            status: {move.target for move in self.moves.values() if status in move.sources}
            for status in self.statuses
        }

    def can_move(self, current, target):
        return self.between(current, target) is not None

    def next_statuses(self, current):
        """The statuses ``current`` may move to, in the order the statuses are declared."""
        return [status for status in self.statuses if self.can_move(current, status)]

    @property
    def terminal(self):
        """Statuses no move leaves: the record's story is over."""
        return tuple(status for status in self.statuses if not self.next_statuses(status))

    def refuse(self, current, target, move=None):
        """Raise the ValidationError for a move from ``current`` to ``target`` that cannot be made."""
        message = move.refusal if move and move.refusal else self.refusal
        labels = {"current": self.statuses(current).label, "target": self.statuses(target).label}
        raise ValidationError(str(message) % labels, code="invalid_move")

    def check(self, move, record, actor):
        """Who may, then from where: PermissionDenied for the wrong actor, ValidationError for the status."""
        if not move.who(actor, record):
            raise PermissionDenied
        if record.status not in move.sources:
            self.refuse(record.status, move.target, move)
        return move

    def check_note(self, move, note, *, field="note"):
        """The move's note, stripped; refused on ``field`` when the move needs one and none was given."""
        note = (note or "").strip()
        if move.note_required and not note:
            raise ValidationError({field: move.note_required})
        return note

    def apply(self, move, record, *, now, note=""):
        """Put ``record`` in the move's target status with the move's own stamps; the mover saves it."""
        if move.effects:
            move.effects(record, now, note)
        record.status = move.target


def is_repeated_move(record, *, target, version, actor):
    """Whether a refused move is the repeat of one this actor just made (a double click, a resent form).

    True when ``record`` (re-read after the refusal) is already in ``target``,
    its version is exactly one past the ``version`` the form was opened on, and
    ``actor`` made that change: the second submission would have made the same
    move, so the page shows the saved result instead of an error. Anything else
    (a stale form, someone else's move, a different target) stays refused.
    """
    return record.status == target and is_repeated_edit(record, version=version, actor=actor)
