"""The domain models; importing this package registers every table on the metadata."""

from portal.models.attachments import Attachment, FileKind
from portal.models.audit import GENESIS_HASH, AuditEvent
from portal.models.base import Base, utcnow
from portal.models.cases import (
    OPEN_STATUSES,
    SCORE_COLUMNS,
    ActorKind,
    Case,
    CaseCounter,
    CaseEvent,
    CaseKind,
    CaseMessage,
    CaseNote,
    CaseStatus,
    Channel,
    MessageDirection,
    RejectionReason,
    ReporterMode,
    is_open,
)
from portal.models.categories import Category
from portal.models.deadlines import CaseExtension, ClockStage, DeadlineRule
from portal.models.feedback import HandlingFeedback, RetaliationCheckin, Satisfaction
from portal.models.identity import IdentityRequest, RequestStatus
from portal.models.rectification import (
    ItemCase,
    ItemState,
    Measure,
    Milestone,
    PublicationKind,
    PublicationRequest,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
    SupervisorAssessment,
)
from portal.models.reviews import (
    REPRESENTATIVE_GROUPS,
    BallotCode,
    BallotUse,
    ReviewOutcome,
    ReviewRound,
    ReviewStatus,
    Vote,
    VoterGroup,
)
from portal.models.search import CaseSearch
from portal.models.staff import Role, User
from portal.models.supervisors import SupervisorConflict, SupervisorKind, SupervisorProfile
from portal.models.units import Cadre, Post, Unit, UnitKind

__all__ = [
    "GENESIS_HASH",
    "OPEN_STATUSES",
    "REPRESENTATIVE_GROUPS",
    "SCORE_COLUMNS",
    "ActorKind",
    "Attachment",
    "AuditEvent",
    "BallotCode",
    "BallotUse",
    "Base",
    "Cadre",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseExtension",
    "CaseKind",
    "CaseMessage",
    "CaseNote",
    "CaseSearch",
    "CaseStatus",
    "Category",
    "Channel",
    "ClockStage",
    "DeadlineRule",
    "FileKind",
    "HandlingFeedback",
    "IdentityRequest",
    "ItemCase",
    "ItemState",
    "Measure",
    "MessageDirection",
    "Milestone",
    "Post",
    "PublicationKind",
    "PublicationRequest",
    "PublishedVersion",
    "RectificationItem",
    "RectificationRound",
    "RejectionReason",
    "ReporterMode",
    "RequestStatus",
    "RetaliationCheckin",
    "ReviewOutcome",
    "ReviewRound",
    "ReviewStatus",
    "Role",
    "Satisfaction",
    "SupervisorAssessment",
    "SupervisorConflict",
    "SupervisorKind",
    "SupervisorProfile",
    "Unit",
    "UnitKind",
    "User",
    "Vote",
    "VoterGroup",
    "is_open",
    "utcnow",
]
