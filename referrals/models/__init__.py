"""The referrals app's models: the service directory now, referrals alongside it later."""

from .directory import (
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

__all__ = [
    "Attribute",
    "Language",
    "Location",
    "Organization",
    "Phone",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "TaxonomyTerm",
]
