"""Forms of the screening pages. They validate input; the services decide and write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Instrument, NeedProposal, Screening, in_language


def answer_field_name(question):
    return f"q-{question.loinc_code}"


class AnswersForm(forms.Form):
    """One field per question of an instrument version, in ``language``; every field may be left empty
    until the screening is finished (the service then asks for the missing answers)."""

    def __init__(self, *args, instrument, language, saved=None, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.questions = list(instrument.questions.all())
        for question in self.questions:
            choices = [
                (option.code, in_language(option, "text", language)) for option in question.options.all()
            ]
            common = {
                "label": in_language(question, "text", language),
                "help_text": in_language(question, "help", language),
                "required": False,
                "choices": choices,
            }
            name = answer_field_name(question)
            attrs = {"class": "form-check-input"}
            if question.multiple:
                widget = forms.CheckboxSelectMultiple(attrs=attrs)
                self.fields[name] = forms.MultipleChoiceField(widget=widget, **common)
            else:
                self.fields[name] = forms.ChoiceField(widget=forms.RadioSelect(attrs=attrs), **common)
            if saved and question.loinc_code in saved:
                codes = saved[question.loinc_code]
                self.initial[name] = codes if question.multiple else codes[0]

    def answers(self):
        """The answers given, as the services take them: {question code: [answer codes]}."""
        given = {}
        for question in self.questions:
            value = self.cleaned_data.get(answer_field_name(question))
            codes = value if isinstance(value, list) else ([value] if value else [])
            if codes:
                given[question.loinc_code] = codes
        return given

    def pairs(self):
        """(bound field, question) for the template, which shows the question in the reader's language too."""
        return [(self[answer_field_name(question)], question) for question in self.questions]


def saved_answers(screening):
    """The answers saved so far, as the form takes them."""
    saved = {}
    for question_code, answer_code in screening.answers.values_list("question_code", "answer_code"):
        saved.setdefault(question_code, []).append(answer_code)
    return saved


class CaregiverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.first_name} {obj.last_name} ({obj.get_relationship_display()})"


class ChildrenField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.first_name} {obj.last_name}"


class ScreeningStartForm(forms.Form):
    """Who answers, about which children, how, in which language, and with which interpreter."""

    respondent = CaregiverChoiceField(label=_("Answered by"), queryset=None, to_field_name="uuid")
    children = ChildrenField(
        label=_("Children the answers are about"),
        queryset=None,
        to_field_name="uuid",
        error_messages={"required": _("Choose the children the answers are about.")},
    )
    mode = forms.ChoiceField(
        label=_("How"),
        choices=[(mode.value, mode.label) for mode in Screening.STAFF_MODES],
        widget=forms.RadioSelect,
    )
    # Chosen before the form opens (the questions are shown in it), so a hidden field.
    language = forms.ChoiceField(
        label=_("Language of the questions"), choices=settings.LANGUAGES, widget=forms.HiddenInput
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter = forms.CharField(
        label=_("Interpreter"),
        max_length=160,
        required=False,
        help_text=_("Name or ID number of the interpreter."),
    )

    def __init__(self, *args, case, language, **kwargs):
        super().__init__(*args, **kwargs)
        family = case.family
        self.fields["respondent"].queryset = family.caregivers.all()
        self.fields["children"].queryset = family.children.all()
        if not self.is_bound:
            primary = family.caregivers.order_by("-is_primary", "pk").first()
            self.initial.update(
                respondent=primary.uuid if primary else None,
                children=[child.uuid for child in case.children.all()],
                mode=Screening.Mode.PHONE,
                language=language,
                interpreter_used=family.interpreter_needed,
            )


def family_language(family):
    """The family's preferred language when the questions exist in it, else the site's default."""
    language = family.preferred_language
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SendForm(forms.Form):
    """Send an instrument to a caregiver's portal."""

    instrument = forms.ModelChoiceField(
        label=_("Questions"), queryset=Instrument.objects.filter(active=True), to_field_name="uuid"
    )
    respondent = CaregiverChoiceField(
        label=_("Send to"),
        queryset=None,
        to_field_name="uuid",
        help_text=_("Only caregivers with a portal login are listed; the questions wait for them alone."),
    )
    children = ChildrenField(
        label=_("Children the answers are about"),
        queryset=None,
        to_field_name="uuid",
        error_messages={"required": _("Choose the children the answers are about.")},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        family = case.family
        self.fields["instrument"].label_from_instance = lambda instrument: instrument.title
        self.fields["respondent"].queryset = family.caregivers.filter(
            user__isnull=False, user__is_active=True
        )
        self.fields["children"].queryset = family.children.all()
        if not self.is_bound:
            self.initial["children"] = [child.uuid for child in case.children.all()]


class ProposalConfirmForm(forms.Form):
    description = forms.CharField(
        label=_("The need, in the family's words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Confirm it with the family first. Organizations you refer the need to will read this."),
    )
    child = forms.ModelChoiceField(
        label=_("For"),
        queryset=None,
        to_field_name="uuid",
        required=False,
        empty_label=_("The whole household"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = proposal.screening.children.all()
        self.fields["child"].label_from_instance = lambda child: f"{child.first_name} {child.last_name}"
        if not self.is_bound:
            self.initial["version"] = proposal.version


class ProposalDismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"), choices=NeedProposal.DismissReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the reason is “Other”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = proposal.version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == NeedProposal.DismissReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why, in a few words."))
        return cleaned
