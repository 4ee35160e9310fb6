"""The referrals app's models: the service directory, referrals and appointments."""

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
from .referral import Appointment, Referral, ReferralEvent

__all__ = [
    "Appointment",
    "Referral",
    "ReferralEvent",
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
