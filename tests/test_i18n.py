"""The whole interface is available in Spanish."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES"


def test_every_spanish_message_is_translated():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 50
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_compiled_spanish_catalogue_is_up_to_date():
    """The committed .mo holds exactly what the .po says, so no gettext tools are needed."""
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.mofile(str(LOCALE / "django.mo"))
        if entry.msgid
    }
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural
    }
    assert {msgid: compiled.get(msgid) for msgid in source} == source


@pytest.mark.django_db
def test_sign_in_page_speaks_spanish_after_switching(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("login")}, follow=True)
    content = response.content.decode()
    assert 'lang="es"' in content
    assert "Iniciar sesión" in content


@pytest.mark.django_db
def test_browser_language_picks_spanish(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Iniciar sesión" in response.content.decode()


def test_expired_agrees_with_the_consent_and_the_invitation_it_describes():
    from django.utils import translation

    with translation.override("es"):
        assert translation.pgettext("consent state", "Expired") == "Vencido"
        assert translation.pgettext("invitation state", "Expired") == "Vencida"
