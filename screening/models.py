"""Social-needs screening: coded instruments, a caregiver's answers, the risk derived per domain, and the
needs they propose.

The shape follows the HL7 SDOH Clinical Care guide's chain: an instrument
(FHIR Questionnaire, LOINC panel) is answered in a screening
(QuestionnaireResponse); each answer is an observation with its LOINC question
and answer codes and a positive flag (Observation.interpretation POS); each
domain of the instrument gets a derived result (the risk observation, e.g.
88124-3 Food insecurity risk); a positive domain proposes a need (an
unconfirmed condition) that a coordinator confirms with the family, or
dismisses with a reason.

Instruments are data: every question, answer, code and scoring rule is a row,
loaded from ``screening/instruments/*.json`` by a data migration or entered in
the admin. An instrument version that has been answered is never edited
again: a change is a new version.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from carecoord.models import TrackedModel, UUIDModel


def in_language(record, name, language=None):
    """``record``'s text field ``name`` in ``language`` (the active one by default), else its English."""
    language = (language or translation.get_language() or "en").split("-")[0]
    text = getattr(record, f"{name}_{language}", "") if language != "en" else ""
    return text or getattr(record, f"{name}_en")


class Domain(UUIDModel):
    """A social need an instrument screens for (living situation, food...), across instruments.

    A positive result proposes a need of ``category``. A ``sensitive`` domain
    (interpersonal safety) flags the coordinator at once and is never shown in
    the family portal or sent to an organization.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    category = models.ForeignKey(
        "cases.ServiceCategory",
        verbose_name=_("category of the need it proposes"),
        on_delete=models.PROTECT,
        related_name="screening_domains",
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Flags the coordinator at once; never shown in the portal or sent to an organization."),
    )
    sdoh_category = models.CharField(
        _("SDOH category code"),
        max_length=60,
        blank=True,
        help_text=_("The HL7 SDOH Clinical Care guide's category code, e.g. food-insecurity."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("screening domain")
        verbose_name_plural = _("screening domains")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_language(self, "name")


class Instrument(UUIDModel):
    """One version of a coded questionnaire (a LOINC panel): its questions, answers and scoring rules."""

    code = models.SlugField(_("code"), max_length=60, help_text=_("The same for every version, e.g. hvs."))
    version = models.CharField(_("version"), max_length=20)
    loinc_code = models.CharField(_("LOINC panel code"), max_length=20)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    introduction_en = models.TextField(
        _("introduction (English)"),
        help_text=_("Read or shown before the questions; {children} is replaced by the children's names."),
    )
    introduction_es = models.TextField(_("introduction (Spanish)"))
    source = models.TextField(_("source of the wording and codes"))
    translation_note = models.TextField(_("how the Spanish wording was made"), blank=True)
    active = models.BooleanField(
        _("offered for new screenings"), default=True, help_text=_("One version of a code at a time.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("screening instrument")
        verbose_name_plural = _("screening instruments")
        ordering = ["position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(active=True),
                name="instrument_one_active_version",
                violation_error_message=_("Another version of this instrument is already offered."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def title(self):
        return in_language(self, "title")

    def introduction_for(self, children, language=None):
        names = ", ".join(child.first_name for child in children)
        return in_language(self, "introduction", language).replace("{children}", names)


class Scoring(models.Model):
    """How one domain of an instrument is scored, and the codes of the risk it derives."""

    class Rule(models.TextChoices):
        ANY_POSITIVE = "any_positive", _("Positive when any answer of the domain is positive")
        SCORE_AT_LEAST = "score_at_least", _("Positive when the answers' scores add up to the threshold")

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="scorings"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=20, choices=Rule, default=Rule.ANY_POSITIVE)
    threshold = models.PositiveSmallIntegerField(_("threshold"), null=True, blank=True)
    risk_code = models.CharField(_("LOINC code of the derived risk"), max_length=20, blank=True)
    positive_code = models.CharField(_("answer code when positive"), max_length=20, blank=True)
    positive_display = models.CharField(_("answer when positive"), max_length=120, blank=True)
    negative_code = models.CharField(_("answer code when negative"), max_length=20, blank=True)
    negative_display = models.CharField(_("answer when negative"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["domain__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "domain"], name="scoring_once_per_domain"),
            models.CheckConstraint(
                condition=~Q(rule="score_at_least") | Q(threshold__isnull=False),
                name="scoring_threshold_for_score_rule",
            ),
        ]

    def __str__(self):
        return f"{self.instrument.code}: {self.domain.code}"


class Question(models.Model):
    """A coded question of an instrument, in the instrument's own words in English and Spanish."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="questions"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    loinc_code = models.CharField(_("LOINC code"), max_length=20)
    text_en = models.TextField(_("question (English)"))
    text_es = models.TextField(_("question (Spanish)"))
    help_en = models.CharField(_("help (English)"), max_length=200, blank=True)
    help_es = models.CharField(_("help (Spanish)"), max_length=200, blank=True)
    multiple = models.BooleanField(_("several answers may be chosen"), default=False)

    class Meta:
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "loinc_code"], name="question_code_once"),
            models.UniqueConstraint(fields=["instrument", "position"], name="question_position_once"),
        ]

    def __str__(self):
        return f"{self.loinc_code} {self.text_en[:60]}"

    @property
    def text(self):
        return in_language(self, "text")

    @property
    def help(self):
        return in_language(self, "help")


class AnswerOption(models.Model):
    """A coded answer to a question: whether it is positive by itself, its score, whether it declines."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("LOINC answer code"), max_length=20)
    text_en = models.CharField(_("answer (English)"), max_length=300)
    text_es = models.CharField(_("answer (Spanish)"), max_length=300)
    positive = models.BooleanField(_("positive"), default=False)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    declines = models.BooleanField(_("declines to answer"), default=False)
    exclusive = models.BooleanField(
        _("excludes the other answers"), default=False, help_text=_("e.g. “None of the above”.")
    )

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="answer_code_once"),
            models.CheckConstraint(
                condition=~Q(declines=True, positive=True), name="declining_is_not_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text_en[:40]}"

    @property
    def text(self):
        return in_language(self, "text")


class ScreeningQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=Screening.Status.COMPLETED)

    def pending(self):
        return self.filter(status__in=Screening.PENDING)


class Screening(TrackedModel):
    """A caregiver's answers to one instrument, about one or more children of the household.

    Administered by a coordinator (in person or by phone, with the interpreter
    if one was used) or sent to the family portal for the respondent to
    answer, save and finish later.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the family portal")
        IN_PROGRESS = "in_progress", _("Started, not finished")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        PORTAL = "portal", _("In the family portal")

    PENDING = (Status.SENT, Status.IN_PROGRESS)
    STAFF_MODES = (Mode.IN_PERSON, Mode.PHONE)

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="screenings"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="screenings"
    )
    children = models.ManyToManyField(
        "cases.Child", verbose_name=_("children it is about"), related_name="screenings"
    )
    respondent = models.ForeignKey(
        "cases.Caregiver",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    mode = models.CharField(_("how"), max_length=20, choices=Mode)
    language = models.CharField(_("language of the questions"), max_length=8, choices=settings.LANGUAGES)
    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    interpreter = models.CharField(
        _("interpreter"), max_length=160, blank=True, help_text=_("Name or ID number of the interpreter.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason withdrawn"), max_length=300, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["status", "completed_at"]),
            models.Index(fields=["respondent", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="screening_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="screening_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(interpreter_used=True) | Q(interpreter=""),
                name="screening_interpreter_only_if_used",
            ),
        ]

    def __str__(self):
        return f"{self.instrument.code} {self.case_id} ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status in self.PENDING

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED


class ScreeningAnswer(UUIDModel):
    """One chosen answer (an observation): its question and answer codes, positive flag and score, copied
    from the instrument when it was given."""

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    option = models.ForeignKey(
        AnswerOption, verbose_name=_("answer"), on_delete=models.PROTECT, related_name="answers"
    )
    question_code = models.CharField(_("LOINC question code"), max_length=20)
    answer_code = models.CharField(_("LOINC answer code"), max_length=20)
    positive = models.BooleanField(_("positive"), default=False)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    declined = models.BooleanField(_("declined to answer"), default=False)

    class Meta:
        verbose_name = _("screening answer")
        verbose_name_plural = _("screening answers")
        ordering = ["question__position", "option__position"]
        indexes = [models.Index(fields=["screening", "question"])]
        constraints = [
            models.UniqueConstraint(fields=["screening", "option"], name="answer_chosen_once"),
        ]

    def __str__(self):
        return f"{self.question_code} = {self.answer_code}"


class ScreeningResult(UUIDModel):
    """The risk derived for one domain of a completed screening, with the scoring rule's codes."""

    class Result(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        DECLINED = "declined", _("Declined to answer")

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="results"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="results"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    risk_code = models.CharField(_("LOINC code of the derived risk"), max_length=20, blank=True)
    result_code = models.CharField(_("LOINC answer code of the derived risk"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["domain__position", "pk"]
        indexes = [models.Index(fields=["domain", "result"])]
        constraints = [
            models.UniqueConstraint(fields=["screening", "domain"], name="result_once_per_domain"),
        ]

    def __str__(self):
        return f"{self.domain.code}: {self.result}"

    @property
    def is_positive(self):
        return self.result == self.Result.POSITIVE


class NeedProposal(TrackedModel):
    """A need a positive domain proposes; nothing becomes a need until a coordinator confirms it with the
    family (the need is then made by the case services) or dismisses it with a reason."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the coordinator")
        CONFIRMED = "confirmed", _("Confirmed with the family")
        DISMISSED = "dismissed", _("Dismissed")

    class DismissReason(models.TextChoices):
        FAMILY_DECLINED = "family_declined", _("The family does not want help with this")
        ALREADY_ADDRESSED = "already_addressed", _("Already being addressed")
        NOT_A_NEED = "not_a_need", _("Not a need, after talking with the family")
        RECORDED_IN_ERROR = "recorded_in_error", _("The answer was recorded in error")
        OTHER = "other", _("Other")

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.PROTECT, related_name="proposals"
    )
    result = models.OneToOneField(
        ScreeningResult, verbose_name=_("result"), on_delete=models.PROTECT, related_name="proposal"
    )
    category = models.ForeignKey(
        "cases.ServiceCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PROPOSED)
    need = models.OneToOneField(
        "cases.Need",
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_proposal",
    )
    dismiss_reason = models.CharField(_("reason dismissed"), max_length=30, choices=DismissReason, blank=True)
    dismiss_note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed need")
        verbose_name_plural = _("proposed needs")
        ordering = ["result__domain__position", "pk"]
        indexes = [models.Index(fields=["status", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="confirmed", need__isnull=False)
                | (~Q(status="confirmed") & Q(need__isnull=True)),
                name="proposal_confirmed_has_need",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="proposal_dismissed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.category} ({self.get_status_display()})"


class ScreeningSchedule(UUIDModel):
    """How often a program screens its families with an instrument (any version of its code)."""

    program = models.ForeignKey(
        "cases.Program",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="screening_schedules",
    )
    instrument_code = models.SlugField(_("instrument code"), max_length=60)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), help_text=_("A family is due again this many months after its last screening.")
    )

    class Meta:
        verbose_name = _("screening schedule")
        verbose_name_plural = _("screening schedules")
        ordering = ["program__name", "instrument_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "instrument_code"], name="schedule_once_per_instrument"
            ),
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=60), name="schedule_months_range"
            ),
        ]

    def __str__(self):
        return f"{self.program}: {self.instrument_code} every {self.every_months} months"
