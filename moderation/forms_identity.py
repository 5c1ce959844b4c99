"""Forms of the sealed identity: a handler's request, a custodian's decision. Shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from portal.forms import PlainText
from portal.services.identity import TEXT_MAX

AT_MOST = _l("Please write at most 2000 characters.")


class IdentityRequestForm(FlaskForm):
    """Ask a custodian to open the reporter's identity, saying why it is needed."""

    motivation = TextAreaField(
        _l("Why you need the reporter's identity (the custodian reads this)"),
        validators=[
            InputRequired(_l("Please say why you need the reporter's identity.")),
            Length(max=TEXT_MAX, message=AT_MOST),
            PlainText(),
        ],
    )


class DecisionForm(FlaskForm):
    """Approve or deny a request; the button pressed says which, a denial says why."""

    decision = StringField(
        validators=[AnyOf(("approve", "deny"), message=_l("Please approve or deny."))]
    )
    reason = TextAreaField(
        _l("Reason (required for a denial; the handler reads it)"),
        validators=[Length(max=TEXT_MAX, message=AT_MOST), PlainText()],
    )

    @property
    def approves(self) -> bool:
        """Tell whether the approving button was pressed."""
        return self.decision.data == "approve"
