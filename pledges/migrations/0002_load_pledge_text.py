"""Load version 1 of the pledge: its eight commitments, exactly as worded, and its example actions.

The wording is read from pledges/pledge_text/version-1.txt, the pledge's own
text; it must never be retyped here.
"""

import datetime
import re
from pathlib import Path

from django.db import migrations

TEXT = Path(__file__).resolve().parent.parent / "pledge_text" / "version-1.txt"

# Short labels for tables and charts. They are the portal's, not the pledge's words.
COMMITMENT_TITLES = {
    1: "Understanding trauma and adversity",
    2: "Equality, diversity and inclusion",
    3: "Workforce health and wellbeing",
    4: "A shared approach across the system",
    5: "A long-term journey",
    6: "Inclusion, lived experience and coproduction",
    7: "Evaluation and learning",
    8: "Championing trauma-informed practice",
}

REJECTION_REASONS = [
    ("not-authorised", "Not authorised to sign"),
    ("duplicate", "Duplicate of an existing pledge"),
    ("outside-bnssg", "Not based in or serving BNSSG"),
    ("other", "Other"),
]


def parse(text):
    title, _, rest = text.partition("\n")
    introduction, _, commitments_text = rest.partition("Our eight Active Commitments")
    commitments = {
        int(number): wording.strip()
        for number, wording in re.findall(r"^(\d)\. (.+)$", commitments_text, flags=re.MULTILINE)
    }
    examples_text = introduction.split("Examples of actions include")[1]
    examples = [line.strip() for line in re.findall(r"^\s*•\s*(.+)$", examples_text, flags=re.MULTILINE)]
    return title.strip(), introduction.strip(), commitments, examples


def load_pledge_text(apps, schema_editor):
    PledgeVersion = apps.get_model("pledges", "PledgeVersion")
    Commitment = apps.get_model("pledges", "Commitment")
    ActionTheme = apps.get_model("pledges", "ActionTheme")
    RejectionReason = apps.get_model("pledges", "RejectionReason")

    title, introduction, commitments, examples = parse(TEXT.read_text(encoding="utf-8"))
    assert sorted(commitments) == list(range(1, 9)), "the pledge has eight commitments"
    assert len(examples) == 5, "the pledge gives five example actions"

    version, _ = PledgeVersion.objects.update_or_create(
        number=1,
        defaults={
            "title": title,
            "introduction": introduction,
            "published_on": datetime.date(2024, 1, 1),
        },
    )
    for number, wording in commitments.items():
        Commitment.objects.update_or_create(
            version=version,
            number=number,
            defaults={"text": wording, "title": COMMITMENT_TITLES[number]},
        )

    themes = [example.rstrip(".") for example in examples] + ["Other"]
    slugs = [
        "steering-group",
        "policy-review",
        "action-plan",
        "line-manager-training",
        "coproduction-champion",
        "other",
    ]
    for position, (slug, name) in enumerate(zip(slugs, themes, strict=True), start=1):
        ActionTheme.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name[0].upper() + name[1:],
                "is_example": slug != "other",
                "position": position,
            },
        )

    for position, (code, label) in enumerate(REJECTION_REASONS, start=1):
        RejectionReason.objects.update_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(load_pledge_text, migrations.RunPython.noop)]
