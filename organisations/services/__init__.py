"""Writes for organisations, a module a concern: `details` (adding an organisation and editing it),
`contacts` (its people and their invitations), `join_requests` and `name_changes`."""
