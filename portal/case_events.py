"""What each event of a case's history reads as: on the reporter's track page and in the console.

One table for every action the services write into ``case_events``, so that a new action
cannot reach either page without its words (``tests/test_case_events.py`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class EventLabels:
    """The words of one action: to the reporter, addressed as "you", and to the staff."""

    public: LazyString
    staff: LazyString


CASE_EVENT_LABELS: dict[str, EventLabels] = {
    "submit": EventLabels(_l("Received"), _l("Received")),
    "add_information": EventLabels(
        _l("You added information"), _l("The reporter added information")
    ),
    "attach_evidence": EventLabels(_l("You added files"), _l("Files attached")),
    "accept": EventLabels(_l("Accepted"), _l("Accepted")),
    "reject": EventLabels(_l("Not accepted"), _l("Not accepted")),
    "assign": EventLabels(_l("Assigned for handling"), _l("Assigned")),
    # Internal: the reporter never sees a reassignment, only that the case is handled.
    "reassign": EventLabels(_l("Assigned for handling"), _l("Reassigned")),
    "start": EventLabels(_l("Handling started"), _l("Handling started")),
    "answer": EventLabels(_l("Answered"), _l("Answered")),
    "close": EventLabels(_l("Closed"), _l("Closed")),
    "reopen": EventLabels(_l("Reopened"), _l("Reopened")),
    "reporter_reopen": EventLabels(
        _l("Reopened because you were dissatisfied"),
        _l("Reopened: the reporter is dissatisfied"),
    ),
    "merge": EventLabels(
        _l("Merged with another case on the same matter"), _l("Merged as a duplicate")
    ),
    "extend": EventLabels(_l("The deadline was extended"), _l("Deadline extended")),
    # The public note that follows names the unit.
    "identity_opened": EventLabels(
        _l("With a custodian's approval, your identity was opened by"),
        _l("The reporter's sealed identity was read"),
    ),
}
