"""The demo service directory: the fictional Kestrel Valley HSDS package in sample_hsds/."""

import io
from pathlib import Path

from .hsds import directory_import

SAMPLE_DIRECTORY = Path(__file__).resolve().parent / "sample_hsds"


def seed_directory():
    """Import the sample HSDS package; importing it again changes nothing."""
    return directory_import(directory=SAMPLE_DIRECTORY, stdout=io.StringIO())
