"""Every CSV the application writes goes through these writers, so no cell runs as a spreadsheet formula.

A spreadsheet program reads a cell beginning with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or carriage return) as a formula: a household named
``=HYPERLINK("http://…")`` would become a live link, or worse, in the export a
supervisor opens. Such a cell gets a leading apostrophe, which spreadsheets show
as text (OWASP's advice for CSV injection). Numbers, signed or not, and phone
numbers (``+1 (555) 000-1234``) are left as they are: they hold only digits and
punctuation, so no function can run, and a negative longitude must stay a number.
The standard library's ``csv`` module has no such option, hence this wrapper.
"""

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Digits with the punctuation of numbers, dates and phone numbers, and nothing else.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,:/()+-]*")


def safe_cell(value):
    """``value`` as a spreadsheet will show it, never as a formula it would run."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised by ``safe_cell``."""

    def __init__(self, handle, **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose values are neutralised by ``safe_cell`` (the header is ours)."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for row in rowdicts:
            self.writerow(row)


def is_formula(value):
    """True when a value read from a CSV file would run as a formula if written back unchanged."""
    return safe_cell(value) != value
