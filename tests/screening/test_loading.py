"""Instruments are data: a new version is loaded from its JSON description, never edited in place."""

import copy
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from screening.loading import INSTRUMENTS_DIR, InstrumentError, load_instrument, read
from screening.models import Instrument

pytestmark = pytest.mark.django_db


def hvs_description(version="2026"):
    data = copy.deepcopy(read(INSTRUMENTS_DIR / "hvs-2010.json"))
    data["version"] = version
    return data


def test_a_new_version_is_loaded_from_its_description_and_replaces_the_one_offered():
    instrument, created = load_instrument(apps, hvs_description())
    assert created
    assert instrument.questions.count() == 2
    assert list(Instrument.objects.filter(code="hvs", active=True)) == [instrument]
    assert Instrument.objects.filter(code="hvs").count() == 2


def test_loading_a_version_again_changes_nothing():
    first, _created = load_instrument(apps, hvs_description())
    again, created = load_instrument(apps, hvs_description())
    assert (again, created) == (first, False)


def test_a_description_that_does_not_hold_together_is_refused_and_nothing_is_loaded():
    data = hvs_description()
    for option in data["questions"][0]["options"]:
        option["declines"] = False
    with pytest.raises(InstrumentError):
        load_instrument(apps, data)
    data = hvs_description()
    data["scorings"][0]["domain"] = "weather"
    with pytest.raises(InstrumentError):
        load_instrument(apps, data)
    assert not Instrument.objects.filter(code="hvs", version="2026").exists()


def test_the_command_loads_a_file(tmp_path):
    path = tmp_path / "hvs.json"
    path.write_text(json.dumps(hvs_description()), encoding="utf-8")
    call_command("load_instrument", str(path))
    assert Instrument.objects.get(code="hvs", active=True).version == "2026"
    with pytest.raises(CommandError):
        call_command("load_instrument", str(tmp_path / "missing.json"))


def test_an_answered_version_is_read_only_in_the_admin(client, admin, case, caregiver):
    from django.urls import reverse

    from .factories import OFTEN, administer

    administer(case, caregiver, {"88122-7": [OFTEN], "88123-5": [OFTEN]}, code="hvs")
    instrument = Instrument.objects.get(code="hvs", active=True)
    client.force_login(admin)
    page = client.get(reverse("admin:screening_instrument_change", args=[instrument.pk])).content.decode()
    assert 'name="title_en"' not in page
    unanswered = Instrument.objects.get(code="ahc-hrsn-core")
    page = client.get(reverse("admin:screening_instrument_change", args=[unanswered.pk])).content.decode()
    assert 'name="title_en"' in page
