"""Where a family is, and how far a place is from it: postcodes located offline, distances in the database.

A postcode is located by the ``zipcodes`` package, which ships the United States
Postal Service's ZIP codes with their coordinates inside it: no outside service
is asked at run time. Distances are great-circle (haversine) distances computed
by the database with Django's math functions, so they work on PostgreSQL and on
SQLite alike and can be sorted and filtered on.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import zipcodes
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
ZIP = re.compile(r"\d{5}")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def postcode_point(postcode):
    """The centre of a US ZIP code (``12601`` or ``12601-1234``), or None when it is unknown."""
    code = (postcode or "").strip()[:5]
    if not ZIP.fullmatch(code):
        return None
    try:
        found = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    if not found or not found[0].get("lat") or not found[0].get("long"):
        return None
    return Point(float(Decimal(found[0]["lat"])), float(Decimal(found[0]["long"])))


def distance_km(point, *, latitude="latitude", longitude="longitude"):
    """An expression: kilometres from ``point`` to the row's coordinates (NULL where they are empty)."""
    lat1 = Radians(Value(point.latitude, output_field=FloatField()))
    lat2 = Radians(F(latitude), output_field=FloatField())
    half_dlat = (lat2 - lat1) / Value(2.0)
    half_dlon = (Radians(F(longitude), output_field=FloatField()) - Radians(Value(point.longitude))) / Value(
        2.0
    )
    chord = Power(Sin(half_dlat), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(half_dlon), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(chord), output_field=FloatField())
