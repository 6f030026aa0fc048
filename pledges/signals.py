"""What the pledges app announces to apps that show its data (the public directory listens)."""

from django.dispatch import Signal

# Sent inside the transaction that changed what the public may see of a partner: an approval,
# a withdrawal, a reinstatement, a recorded annual review, or a reaffirmation of a new wording; with `pledge`.
pledge_changed = Signal()
