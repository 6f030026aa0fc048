"""CSV safe to open in a spreadsheet: the one line writer and formula rule every download and file uses."""

import csv

# A spreadsheet runs a cell starting with one of these as a formula; partners and the public type the text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; None becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


class _Echo:
    """A file whose write() hands back what it is given, so csv.writer returns each line as text."""

    def write(self, line):
        return line


def csv_line(values):
    """One line of RFC 4180 CSV: comma-separated, double quotes where needed, a CRLF ending; formulas defused.

    Lines are written one at a time, so a download can stream them and a snapshot can store them.
    """
    return csv.writer(_Echo(), lineterminator="\r\n").writerow([defuse_formula(value) for value in values])


def csv_lines(rows):
    """Several lines, as one text."""
    return "".join(csv_line(row) for row in rows)
