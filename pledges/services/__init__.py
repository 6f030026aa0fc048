"""Writes for pledges, one module per journey: signing, and the programme team's decisions.

`transitions` holds what both share. Each service takes keyword arguments, runs
in one transaction, checks the change is allowed, records a PledgeEvent and
queues emails in the outbox, whose sending is published only after commit.
"""
