"""Pledges: the pledge text, signed pledges, their actions, annual reviews, and emails."""
