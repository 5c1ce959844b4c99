"""The reporter's verdicts on the handling, shown to staff on the case page."""

from __future__ import annotations

from moderation.cases import add_case_panel
from portal.models import Case
from portal.services import feedback


def verdicts_panel(case: Case) -> dict | None:
    """Return the verdicts the reporter gave on the answers, or None if there are none."""
    verdicts = feedback.verdicts(case)
    return {"verdicts": verdicts} if verdicts else None


add_case_panel("moderation/_case_feedback.html", verdicts_panel, column="main", order=20)
