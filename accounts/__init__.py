"""Accounts: the custom user model, whose login is the email address."""
