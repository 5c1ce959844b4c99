"""The vote of a satisfaction round: the answer first, then the right it is cast with."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from portal.forms import MaxLength, PageForm, PlainText
from portal.models import Satisfaction
from portal.services.ballots import Right, RightKind

#: A ballot code or a receipt with every dash and space someone might type.
CODE_MAX = 64
VOTERS = {
    RightKind.CODE: _l("A representative, with the ballot code on my slip"),
    RightKind.RECEIPT: _l("The reporter of a case linked to this item, with my receipt"),
    RightKind.PUBLIC: _l("A member of the public (these votes are counted apart)"),
}
MISSING = {
    RightKind.CODE: _l("Please enter the ballot code printed on your slip."),
    RightKind.RECEIPT: _l("Please enter the receipt of your case."),
}


class VoteForm(PageForm):
    """One answer and one right; the service checks the right and counts the vote once."""

    page_order = ("choice", "voter", "code")

    choice = RadioField(
        _l("How satisfied are you with the result of the rectification?"),
        choices=[],
        invalid_choice_message=_l("Please choose one of the three answers."),
    )
    voter = RadioField(
        _l("You vote as"),
        choices=[],
        invalid_choice_message=_l(
            "Please say whether you vote with a code, a receipt, or as a member of the public."
        ),
    )
    code = StringField(
        _l("Ballot code or receipt"),
        validators=[MaxLength(CODE_MAX), PlainText()],
        description=_l(
            "Ballot code: the 16 letters and digits on your slip. Receipt: the 28 you were given "
            "with your case. With or without the dashes."
        ),
    )

    def __init__(self, *args, public_voting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choice.choices = [SelectChoice(option.value, option.label) for option in Satisfaction]
        kinds = [kind for kind in RightKind if public_voting or kind != RightKind.PUBLIC]
        self.voter.choices = [SelectChoice(kind.value, VOTERS[kind]) for kind in kinds]

    def validate_code(self, field: StringField) -> None:
        """Ask for the code or receipt that the chosen way of voting needs."""
        kind = self.voter.data
        if kind in MISSING and not (field.data or "").strip():
            raise StopValidation(str(MISSING[RightKind(kind)]))

    def right(self) -> Right:
        """Return the right the voter chose and typed."""
        kind = RightKind(self.voter.data)
        return Right(kind, (self.code.data or "") if kind != RightKind.PUBLIC else "")
