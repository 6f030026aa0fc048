"""What the organisations app announces to apps that show its data (the public directory listens)."""

from django.dispatch import Signal

# Sent inside the transaction that changed what the public may see of an organisation
# (its details, logo or areas), with `organisation`.
organisation_changed = Signal()
