"""Views for the programme team, one module per part of its work."""
