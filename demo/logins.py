"""The demo's named logins and their password: for trying the portal in development, never in production."""

# Works only while DEBUG is on, and only for accounts the demo seed made (demo.backends).
DEMO_PASSWORD = "try-the-portal"  # noqa: S105 - refused with DEBUG off (demo.checks)

# One per role, with a stable address: `make run` prints them, the sign-in page lists them in
# development, and docs/demo.md says what to try as each.
LOGINS = [
    ("Programme team", "sam.okafor@example.org"),
    ("Signatory of an approved partner, annual review open", "leader@north-bristol-nhs-trust.org.uk"),
    ("Contact of the same partner (not its signatory)", "ruth.daniels@north-bristol-nhs-trust.org.uk"),
    ("Leader with a draft pledge", "leader@portishead-mens-shed.org.uk"),
]


def listed_logins():
    """The named logins the seed made in this database, in the order above: [(role, email)]."""
    from demo.models import DemoAccount

    made = set(
        DemoAccount.objects.filter(user__email__in=[email for _, email in LOGINS]).values_list(
            "user__email", flat=True
        )
    )
    return [(role, email) for role, email in LOGINS if email in made]
