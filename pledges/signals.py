"""What the pledges app announces to apps that show its data (the public directory listens)."""

from django.dispatch import Signal

# Sent inside the transaction that changed what the public may see of a partner: an approval,
# a withdrawal, a reinstatement, a recorded annual review, or a reaffirmation of a new wording; with `pledge`.
pledge_changed = Signal()

# The same for a batch of pledges changed together (the lapses of a sweep's batch), with `pledges`:
# listeners do their work once for the batch.
pledges_changed = Signal()
