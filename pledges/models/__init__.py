"""The pledge's wording, the pledges partners sign, their years and actions, and their audit trail."""

from .cycles import Action, ReviewCycle
from .narrative import ReportNarrative
from .pledge import (
    DECISIONS,
    Pledge,
    PledgeEvent,
    SignatoryChange,
    with_live_pledge_flag,
    working_days_between,
)
from .reaffirmation import Reaffirmation
from .wording import (
    ActionTheme,
    Commitment,
    PledgeVersion,
    RejectionReason,
)

__all__ = [
    "DECISIONS",
    "Action",
    "ActionTheme",
    "Commitment",
    "Pledge",
    "PledgeEvent",
    "PledgeVersion",
    "Reaffirmation",
    "RejectionReason",
    "ReportNarrative",
    "ReviewCycle",
    "SignatoryChange",
    "with_live_pledge_flag",
    "working_days_between",
]
