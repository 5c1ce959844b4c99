"""Forms of the satisfaction rounds in the console: shape only; the services decide.

Times are typed in the city's zone, as the browser's date-and-time picker gives them, and
stored in UTC. Every message is our own, so that WTForms' English never reaches a Chinese page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from moderation.forms_case import HiddenInteger
from portal.clock import local_zone
from portal.forms import STAFF_YEARS, Required
from portal.models import REPRESENTATIVE_GROUPS, ReviewRound, VoterGroup, utcnow
from portal.services.ballots import MAX_BATCH
from portal.services.reviews import Schedule

TIME_FORMAT = "%Y-%m-%dT%H:%M"
#: A new round is offered to open at the next full hour and to run this long.
DEFAULT_DAYS = 14
#: The fields of the form that changes a scheduled round, apart from the one that schedules.
RESCHEDULE_PREFIX = "change"


class LocalTimeField(DateTimeLocalField):
    """A moment typed in the city's zone (year-month-day hour:minute), read as aware UTC."""

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, format=TIME_FORMAT, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed moment, or say how to type it."""
        text = " ".join(valuelist).strip().replace(" ", "T") if valuelist else ""
        self.data = None
        if not text:
            return
        try:
            typed = datetime.strptime(text, TIME_FORMAT)
            if typed.year not in STAFF_YEARS:
                raise ValueError(text)
            self.data = typed.replace(tzinfo=local_zone()).astimezone(UTC)
        except ValueError:
            raise ValueError(
                gettext("Give a date and time, for example 2026-12-01 09:00.")
            ) from None

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(local_zone()).strftime(TIME_FORMAT) if self.data else ""


class CountField(IntegerField):
    """A whole number typed as digits; anything else reads as none, which the range refuses."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed number, or None."""
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


class ScheduleForm(FlaskForm):
    """When a satisfaction round opens and closes, what it needs, and who may vote."""

    version = HiddenInteger(validators=[InputRequired()])
    opens_at = LocalTimeField(
        _l("Opens at"), validators=[Required(_l("Give the time voting opens."))]
    )
    closes_at = LocalTimeField(
        _l("Closes at"), validators=[Required(_l("Give the time voting closes."))]
    )
    quorum = CountField(
        _l("Quorum: fewest valid votes"),
        validators=[NumberRange(1, 100_000, _l("Give a whole number of votes, at least 1."))],
    )
    threshold_percent = CountField(
        _l("Threshold: satisfied and basically satisfied, in percent"),
        validators=[NumberRange(1, 100, _l("Give a percentage from 1 to 100."))],
    )
    public_voting = BooleanField(_l("The general public may vote too (counted apart)"))

    @classmethod
    def offered(cls, version: int) -> ScheduleForm:
        """Return a blank form with the defaults of the configuration."""
        config = current_app.config
        opens = utcnow().astimezone(local_zone()).replace(minute=0, second=0, microsecond=0)
        opens += timedelta(hours=1)
        return cls(
            formdata=None,
            version=version,
            opens_at=opens,
            closes_at=opens + timedelta(days=DEFAULT_DAYS),
            quorum=config["REVIEW_QUORUM"],
            threshold_percent=config["REVIEW_THRESHOLD_PERCENT"],
        )

    @classmethod
    def of_review(cls, review: ReviewRound) -> ScheduleForm:
        """Return a form holding a scheduled round's current schedule, to change it."""
        return cls(
            formdata=None,
            prefix=RESCHEDULE_PREFIX,
            version=review.round.item.version,
            opens_at=review.opens_at,
            closes_at=review.closes_at,
            quorum=review.quorum,
            threshold_percent=review.threshold_percent,
            public_voting=review.public_voting,
        )

    def schedule(self) -> Schedule:
        """Return what the form asks for."""
        return Schedule(
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            quorum=self.quorum.data,
            threshold_percent=self.threshold_percent.data,
            public_voting=self.public_voting.data,
        )


def _groups() -> list[tuple[str, str]]:
    return [(group.value, group.label) for group in REPRESENTATIVE_GROUPS]


class BallotForm(FlaskForm):
    """A batch of ballot codes to print for one group of representatives."""

    voter_group = SelectField(
        _l("For"),
        choices=_groups,
        invalid_choice_message=_l("Please choose a group from the list."),
    )
    count = CountField(
        _l("How many codes"),
        validators=[
            NumberRange(1, MAX_BATCH, _l("Give a number of codes from %(min)s to %(max)s."))
        ],
    )

    def group(self) -> VoterGroup:
        """Return the chosen group (the choices are representative groups only)."""
        return VoterGroup(self.voter_group.data)
