import factory

from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.REFERRAL_ACCEPTED
    url = "/cases/"
    params = factory.LazyFunction(
        lambda: {"organization": "Pediatric Neuromuscular Clinic", "child": "Mateo", "need": "Medical"}
    )
