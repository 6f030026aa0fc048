"""Organisations: the partners who sign the pledge, their people, invitations and requests to join,
and their changes of name; the public directory is in `directory`, the team's decisions in `team`."""
