"""Organisations: the partners who sign the pledge, their people, and the public directory."""
