"""Pledges: the pledge's wording and its versions, signed pledges, their actions and review cycles, the
audit trail, the services behind signing and the team's decisions, and the partner's own pages."""
