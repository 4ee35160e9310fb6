from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from notifications.services import digests_send


class Command(BaseCommand):
    help = (
        "Send the daily digests once (for cron): each person who chose a digest gets one email with their "
        "unread items of those kinds not emailed yet; running it again sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(_("Digests sent: %(count)d.") % {"count": sent})
