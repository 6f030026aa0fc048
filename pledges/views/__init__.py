"""Views for pledges, one module per journey."""
