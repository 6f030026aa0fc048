"""Fixtures for the organisations tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every factory-made user hashes a password; the real hasher costs ~0.4 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
