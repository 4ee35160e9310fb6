"""Celery tasks for the referrals app: thin wrappers over its services."""

from celery import shared_task

from .followups import follow_up_rules_run


@shared_task
def run_follow_up_rules():
    """Run the follow-up rules (hourly from Celery beat); returns what each rule did."""
    return follow_up_rules_run()


@shared_task
def import_hsds_sources():
    """Import every active HSDS source's changes (nightly from Celery beat); one refused source
    leaves the others to import. Returns each source's outcome: its counts, or why it was refused."""
    from .hsds import HSDSImportError
    from .hsds.remote import directory_import_from_api
    from .models import HSDSSource

    outcomes = {}
    for source in HSDSSource.objects.filter(active=True):
        try:
            imported = directory_import_from_api(url=source.url)
        except HSDSImportError as error:
            outcomes[source.url] = {"refused": error.problems}
        else:
            outcomes[source.url] = {"services": imported.services, "counts": imported.result.counts}
    return outcomes
