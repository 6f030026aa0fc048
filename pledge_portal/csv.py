"""CSV cells safe to open in a spreadsheet: the one rule every download and open-data file uses."""

# A spreadsheet runs a cell starting with one of these as a formula; partners and the public type the text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; None becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value
