"""Writes for pledges, a module a journey; `transitions` holds the building blocks they share.

Each service takes keyword arguments, runs in one transaction and checks the
change is allowed. Every change of status, decision and note records a PledgeEvent.
Emails are queued in the outbox in the same transaction, and their sending is
enqueued only after commit.
"""
