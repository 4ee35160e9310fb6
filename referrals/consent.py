"""The consent rule of outside referrals: information leaves the center only with the family's consent."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ServiceCategory

# Categories a "medical and therapy providers only" consent covers.
MEDICAL_CATEGORIES = {
    ServiceCategory.Code.MEDICAL,
    ServiceCategory.Code.PHYSICAL_THERAPY,
    ServiceCategory.Code.SPEECH_THERAPY,
    ServiceCategory.Code.OCCUPATIONAL_THERAPY,
    ServiceCategory.Code.BEHAVIORAL_HEALTH,
    ServiceCategory.Code.EARLY_INTERVENTION,
}


class ConsentMissing(ValidationError):
    """The family has no consent in force that covers this referral."""

    def __init__(self, family):
        super().__init__(
            _(
                "The family has no consent in force that covers sharing information with this provider. "
                "Record the family's consent before sending the referral."
            ),
            code="consent_missing",
        )
        self.family = family


def consent_covers(referral, day=None):
    """Whether a consent in force on ``day`` lets the center share this referral's information."""
    day = day or timezone.localdate()
    organization = referral.service.organization.name if referral.service_id else referral.outside_provider
    for consent in referral.case.family.consents.all():
        if not consent.in_force_on(day):
            continue
        if consent.scope == consent.Scope.ALL_PROVIDERS:
            return True
        if consent.scope == consent.Scope.MEDICAL_ONLY and referral.need.category.code in MEDICAL_CATEGORIES:
            return True
        if (
            consent.scope == consent.Scope.NAMED
            and organization.casefold() in consent.scope_detail.casefold()
        ):
            return True
    return False


def require_consent(referral):
    """Refuse to send a referral that no consent in force covers."""
    if not consent_covers(referral):
        raise ConsentMissing(referral.case.family)
