"""Posting a date as the portal's date inputs send it: day, month and year in boxes of their own."""

import datetime


def date_input(name, value):
    """The form data for field `name`: a date, or "not a date" to type nonsense into the day box."""
    if isinstance(value, datetime.date):
        return {
            f"{name}_day": str(value.day),
            f"{name}_month": str(value.month),
            f"{name}_year": str(value.year),
        }
    return {f"{name}_day": value, f"{name}_month": "", f"{name}_year": ""}


def fill_date_input(page, name, value: datetime.date):
    """In the browser: type `value` into field `name`'s three boxes."""
    for part, number in (("day", value.day), ("month", value.month), ("year", value.year)):
        page.locator(f"input[name='{name}_{part}']").fill(str(number))
