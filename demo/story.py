"""The demo's story: its partners, their actions, and the pace of the programme's year."""

from organisations.models import Organisation
from pledges.models import Action, Pledge

K, S = Organisation.Kind, Organisation.Sector
ST = Pledge.Status

# Partners that changed their name after signing: new name, and why.
RENAMED = {
    "Curo Housing": ("Curo Homes and Communities", "Our housing and community teams merged under one name."),
}
# Partners whose leader moved on: the new signatory's name, and job title.
NEW_SIGNATORY = {"Bristol Mind": ("Morgan Ellis", "Director")}
# Partners with a contact beside the signatory (one of the demo's named logins, demo/logins.py).
CONTACTS = {"North Bristol NHS Trust": "Ruth Daniels"}
# An approved partner silent since its first year fell due, whose lapse waits for the team.
DUE_TO_LAPSE = "due_to_lapse"

# name, kind, sector, area codes, status (or DUE_TO_LAPSE), months since submitted
PARTNERS = [
    ("Bristol City Council", K.ORGANISATION, S.LOCAL_AUTHORITY, ["bristol"], ST.APPROVED, 26),
    ("North Somerset Council", K.ORGANISATION, S.LOCAL_AUTHORITY, ["north-somerset"], ST.APPROVED, 14),
    (
        "South Gloucestershire Council",
        K.ORGANISATION,
        S.LOCAL_AUTHORITY,
        ["south-gloucestershire"],
        ST.APPROVED,
        11,
    ),
    (
        "North Bristol NHS Trust",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "south-gloucestershire"],
        ST.APPROVED,
        13,
    ),
    (
        "University Hospitals Bristol and Weston",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset"],
        ST.APPROVED,
        9,
    ),
    (
        "Avon and Wiltshire Mental Health Partnership",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        8,
    ),
    (
        "Sirona care & health",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        7,
    ),
    (
        "Avon and Somerset Police",
        K.ORGANISATION,
        S.POLICE_JUSTICE,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        12,
    ),
    ("Bristol Youth Justice Service", K.SERVICE, S.POLICE_JUSTICE, ["bristol"], ST.APPROVED, 6),
    ("Safer Bristol Partnership Board", K.STRATEGIC_BOARD, S.LOCAL_AUTHORITY, ["bristol"], ST.APPROVED, 5),
    ("Weston College", K.ORGANISATION, S.EDUCATION, ["north-somerset"], ST.APPROVED, 4),
    ("Oasis Academy Brightstowe", K.ORGANISATION, S.EDUCATION, ["bristol"], ST.APPROVED, 3),
    (
        "University of the West of England",
        K.ORGANISATION,
        S.EDUCATION,
        ["south-gloucestershire", "bristol"],
        ST.APPROVED,
        15,
    ),
    ("Bristol Mind", K.ORGANISATION, S.VCSE, ["bristol"], ST.APPROVED, 10),
    (
        "Second Step",
        K.ORGANISATION,
        S.VCSE,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        2,
    ),
    (
        "Next Link Domestic Abuse Services",
        K.ORGANISATION,
        S.VCSE,
        ["bristol", "south-gloucestershire"],
        ST.APPROVED,
        1,
    ),
    ("Changing Futures Bristol", K.GROUP, S.VCSE, ["bristol"], ST.APPROVED, 16),
    ("Curo Housing", K.ORGANISATION, S.HOUSING, ["north-somerset", "south-gloucestershire"], ST.APPROVED, 6),
    ("Brunel Community Kitchens Ltd", K.ORGANISATION, S.BUSINESS, ["bristol"], ST.APPROVED, 3),
    ("Weston Families Hub", K.SERVICE, S.VCSE, ["north-somerset"], ST.SUBMITTED, 0),
    (
        "Kingswood Primary Care Network",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["south-gloucestershire"],
        ST.SUBMITTED,
        0,
    ),
    ("Yate Community Trust", K.ORGANISATION, S.VCSE, ["south-gloucestershire"], ST.SUBMITTED, 0),
    ("Clevedon Youth Club", K.GROUP, S.VCSE, ["north-somerset"], ST.CHANGES_REQUESTED, 0),
    ("Avonmouth Logistics Ltd", K.ORGANISATION, S.BUSINESS, ["bristol"], ST.REJECTED, 2),
    ("St Pauls Learning Centre", K.ORGANISATION, S.EDUCATION, ["bristol"], ST.WITHDRAWN, 14),
    ("Portishead Men's Shed", K.GROUP, S.VCSE, ["north-somerset"], ST.DRAFT, 0),
    ("Bristol Housing Association Forum", K.STRATEGIC_BOARD, S.HOUSING, ["bristol"], ST.DRAFT, 0),
    ("Thornbury Dental Practice", K.ORGANISATION, S.NHS_HEALTH, ["south-gloucestershire"], ST.DRAFT, 0),
    ("Severn Vale Sports Partnership", K.GROUP, S.OTHER, ["south-gloucestershire", "bristol"], ST.LAPSED, 30),
    ("Kingswood Family Hub", K.SERVICE, S.LOCAL_AUTHORITY, ["south-gloucestershire"], DUE_TO_LAPSE, 16),
    (
        "BNSSG Integrated Care Board",
        K.ORGANISATION,
        S.NHS_HEALTH,
        ["bristol", "north-somerset", "south-gloucestershire"],
        ST.APPROVED,
        24,
    ),
]

ACTIONS = [
    (
        "Set up a trauma-informed steering group",
        "steering-group",
        "Bring together staff from every directorate and people with lived experience "
        "to guide our trauma-informed work.",
    ),
    (
        "Review our HR policies through a trauma-informed lens",
        "policy-review",
        "Start with sickness absence, disciplinary and supervision policies, with staff networks involved.",
    ),
    (
        "Write our trauma-informed practice action plan",
        "action-plan",
        "Use the BNSSG Trauma-Informed Practice Framework to agree priorities for the next three years.",
    ),
    (
        "Train line managers in recognising vicarious trauma",
        "line-manager-training",
        "Offer every line manager a half-day session and reflective practice groups.",
    ),
    (
        "Appoint trauma-informed champions in every team",
        "coproduction-champion",
        "Champions meet monthly, share learning and bring the voice of people who use our services.",
    ),
]


PROGRESS = [Action.Progress.COMPLETED, Action.Progress.IN_PROGRESS, Action.Progress.ONGOING]
# Days from submission to the team's decision, varied so the median means something.
DECISION_DAYS = (6, 3, 9, 5, 12, 4, 8, 2, 7, 10)
# Days after its due date that a partner reviews (early, on time, late).
REVIEW_DAYS_LATE = (5, -6, 12, 2)
REVIEWERS = [("Sam Okafor", "sam.okafor@example.org"), ("Priya Shah", "priya.shah@example.org")]
