"""Every action written into a case's history has words on the track page and in the console."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from moderation.cases import EVENT_LABELS
from portal.case_events import CASE_EVENT_LABELS
from portal.extensions import db
from portal.models import Case, CaseEvent, CaseStatus, FileKind
from portal.services.evidence import CleanFile, attach_files
from portal.services.workflow import TRANSITIONS
from portal.views.timeline import timeline
from tests.evidence import corpus
from tests.public import english, open_case, opinion_form, seed_city, send_case

ROOT = Path(__file__).resolve().parents[1]
#: The one place that writes CaseEvent(action=<a variable>): the actions of the workflow table.
WORKFLOW_SOURCE = ROOT / "portal" / "services" / "workflow.py"


def written_actions() -> set[str]:
    """Return the actions the source writes: literal ones, and the workflow table's."""
    actions = {action for _status, action in TRANSITIONS}
    for path in [*ROOT.glob("portal/**/*.py"), *ROOT.glob("moderation/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "CaseEvent"):
                continue
            [action] = [word.value for word in node.keywords if word.arg == "action"]
            if isinstance(action, ast.Constant):
                actions.add(action.value)
            else:
                assert path == WORKFLOW_SOURCE, f"{path}: an action this test cannot read"
    return actions


def test_the_source_writes_the_actions_we_know():
    assert {"submit", "add_information", "attach_evidence", "extend", "identity_opened"} | {
        "accept", "reject", "assign", "reassign", "start", "answer", "close", "reopen",
        "reporter_reopen", "merge",
    } <= written_actions()  # fmt: skip


@pytest.mark.parametrize("action", sorted(written_actions()))
def test_every_written_action_reads_well_to_the_reporter_and_the_staff(app, action):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        labels = CASE_EVENT_LABELS[action]
        assert str(labels.public).strip() and str(labels.staff).strip()
        assert str(EVENT_LABELS[action]) == str(labels.staff)


def test_files_the_reporter_added_read_as_such_on_the_track_page(app):
    ids = seed_city(app)
    client = english(app.test_client())
    number, receipt = send_case(client, "opinion", opinion_form(ids))
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        attach_files(case, [CleanFile("a.jpg", FileKind.JPEG, corpus.plain_jpeg())])
        db.session.commit()
    open_case(client, number, receipt)

    page = client.get("/track/case").get_data(as_text=True)

    assert "You added files" in page
    assert "The case was updated" not in page


def test_a_reopened_case_reads_as_reopened_not_as_received_again(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        case = Case(number="2026-000001")
        reopened = CaseEvent(
            action="reopen", to_status=CaseStatus.RECEIVED, is_public=True, note="Handled again."
        )
        case.events.append(reopened)
        [entry] = timeline(case)
        assert (entry.label, entry.reason) == ("Reopened", "Handled again.")
