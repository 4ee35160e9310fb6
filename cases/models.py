"""The case side of care coordination: families, children, cases and their work."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoord.models import TimelineEvent, TrackedModel, UUIDModel
from carecoord.text import digits_only, search_key

from .querysets import CaseQuerySet, FamilyQuerySet, TaskQuerySet


class SearchKeys:
    """A record found by name (and phone): its derived search keys come from the fields it names.

    ``refresh_search_keys()`` is the one way the keys are filled, by the
    services before they save and by the test factories.
    """

    SEARCH_NAME_FIELDS = ()

    def refresh_search_keys(self):
        self.search_name = search_key(*(getattr(self, name) for name in self.SEARCH_NAME_FIELDS))
        if hasattr(self, "phone_digits"):
            self.phone_digits = digits_only(self.phone)


class Program(UUIDModel):
    """A coordination program with its own follow-up targets."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General care coordination")
        ED_FOLLOW_UP = "ed_follow_up", _("ED mental-health follow-up")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GENERAL)
    description = models.TextField(_("description"), blank=True)
    follow_up_target_days = models.PositiveSmallIntegerField(
        _("follow-up target (days)"),
        default=7,
        help_text=_("Days after an ED discharge within which the family must be contacted."),
    )
    acknowledge_business_days = models.PositiveSmallIntegerField(
        _("days to acknowledge a referral (business days)"),
        default=2,
        help_text=_("Business days an organization has to accept or decline a referral."),
    )
    outcome_business_days = models.PositiveSmallIntegerField(
        _("days to report an outcome (business days)"),
        default=14,
        help_text=_("Business days an organization has to report the service delivered, or why not."),
    )
    escalation_margin_business_days = models.PositiveSmallIntegerField(
        _("escalation margin (business days)"),
        default=2,
        help_text=_("Business days past a missed deadline before the team's supervisors are told."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceCategory(UUIDModel):
    """What kind of help a need asks for; the directory's services use the same list."""

    class Code(models.TextChoices):
        MEDICAL = "medical", _("Medical")
        PHYSICAL_THERAPY = "physical_therapy", _("Physical therapy")
        SPEECH_THERAPY = "speech_therapy", _("Speech therapy")
        OCCUPATIONAL_THERAPY = "occupational_therapy", _("Occupational therapy")
        BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health")
        HOUSING = "housing", _("Housing")
        TRANSPORTATION = "transportation", _("Transportation")
        FOOD = "food", _("Food")
        FINANCIAL = "financial", _("Financial")
        EARLY_INTERVENTION = "early_intervention", _("Early intervention and education")
        CHILDCARE = "childcare", _("Childcare")
        LEGAL = "legal", _("Legal")
        UTILITIES = "utilities", _("Utilities")
        SAFETY = "safety", _("Safety")
        OTHER = "other", _("Other")

    HOUSEHOLD_CODES = {
        Code.HOUSING,
        Code.TRANSPORTATION,
        Code.FOOD,
        Code.FINANCIAL,
        Code.LEGAL,
        Code.UTILITIES,
        Code.SAFETY,
    }

    code = models.CharField(_("code"), max_length=40, choices=Code, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "code"]

    def __str__(self):
        return str(self.get_code_display())

    @property
    def name(self):
        return self.get_code_display()

    @property
    def is_household(self):
        return self.code in self.HOUSEHOLD_CODES


class Family(SearchKeys, TrackedModel):
    """A household: the unit a case is opened for."""

    SEARCH_NAME_FIELDS = ("name",)

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        OTHER = "other", _("Other")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        MAIL = "mail", _("Mail")

    name = models.CharField(_("household name"), max_length=160)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language, default=Language.ENGLISH
    )
    other_language = models.CharField(_("other language"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=40, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_contact_method = models.CharField(
        _("preferred contact method"), max_length=10, choices=ContactMethod, default=ContactMethod.PHONE
    )
    insurance = models.CharField(_("insurance"), max_length=120, blank=True)
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="families"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_reason = models.CharField(_("archive reason"), max_length=200, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["team", "name"]),
            models.Index(fields=["team", "archived_at"]),
        ]

    def __str__(self):
        return self.name

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def language_label(self):
        if self.preferred_language == self.Language.OTHER and self.other_language:
            return self.other_language
        return self.get_preferred_language_display()


class Caregiver(SearchKeys, TrackedModel):
    """A parent or guardian in a family; may have a portal login."""

    SEARCH_NAME_FIELDS = ("first_name", "last_name")

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GRANDPARENT = "grandparent", _("Grandparent")
        GUARDIAN = "guardian", _("Legal guardian")
        FOSTER = "foster", _("Foster parent")
        OTHER = "other", _("Other")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="caregivers"
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship, default=Relationship.MOTHER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caregiver",
    )
    search_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ["-is_primary", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Child(SearchKeys, TrackedModel):
    """A child of a household; age is derived from the date of birth."""

    SEARCH_NAME_FIELDS = ("first_name", "last_name")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="children"
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    date_of_birth = models.DateField(_("date of birth"))
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("e.g. Duchenne muscular dystrophy")
    )
    primary_care_provider = models.CharField(_("primary care provider"), max_length=160, blank=True)
    mrn = models.CharField(_("medical record number"), max_length=40, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["date_of_birth"]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            # Search matches MRNs ignoring case (UPPER(mrn) = UPPER(%s)).
            models.Index(Upper("mrn"), name="cases_child_mrn_upper"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day):
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    @property
    def plan_transition_to_adult_care(self):
        return self.age >= settings.CARECOORD_TRANSITION_AGE


class Consent(TrackedModel):
    """The family's permission to share information with outside providers."""

    class Scope(models.TextChoices):
        ALL_PROVIDERS = "all_providers", _("Any community provider we refer to")
        MEDICAL_ONLY = "medical_only", _("Medical and therapy providers only")
        NAMED = "named", _("Only the organizations named")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope, default=Scope.ALL_PROVIDERS)
    scope_detail = models.CharField(_("organizations or limits"), max_length=300, blank=True)
    given_by = models.CharField(_("given by"), max_length=160)
    given_on = models.DateField(_("date given"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason withdrawn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.given_on})"

    def in_force_on(self, day):
        return (
            self.withdrawn_at is None
            and self.given_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )

    @property
    def is_in_force(self):
        return self.in_force_on(timezone.localdate())


class Case(TrackedModel):
    """One episode of coordination for a family, in a program, owned by a coordinator."""

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ACTIVE = "active", _("Active")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSED = "closed", _("Closed")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        FAMILY_DECLINED = "family_declined", _("Family declined")
        MOVED = "moved", _("Moved")
        UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact")
        TRANSFERRED = "transferred", _("Transferred")
        AGED_OUT = "aged_out", _("Aged out")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        FAMILY = "family", _("Family called")
        PEDIATRICIAN = "pediatrician", _("Pediatrician")
        SCHOOL = "school", _("School")
        EMERGENCY_DEPARTMENT = "emergency_department", _("Emergency department")
        OTHER = "other", _("Other")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="cases"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="cases"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    children = models.ManyToManyField(
        Child, verbose_name=_("children in focus"), related_name="cases", blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.INTAKE)
    urgent = models.BooleanField(_("urgent"), default=False)
    source = models.CharField(_("referred by"), max_length=30, choices=Source, default=Source.FAMILY)
    summary = models.TextField(_("reason for the case"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closure_reason = models.CharField(_("closure reason"), max_length=30, choices=ClosureReason, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    closure_requested_at = models.DateTimeField(_("closure requested at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("last supervisor review"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["coordinator", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["program", "status"]),
            models.Index(fields=["opened_at"]),
            models.Index(fields=["closed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "program"],
                condition=~Q(status="closed"),
                name="case_one_open_per_family_and_program",
                violation_error_message=_("This family already has an open case in this program."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="case_closed_has_reason_and_date",
            ),
        ]

    def __str__(self):
        return f"{self.family} — {self.program}"

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED


class CaseEvent(TimelineEvent):
    """A change in a case's life the team reads on its timeline."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STATUS = "status", _("Status changed")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSURE_APPROVED = "closure_approved", _("Closure approved")
        CLOSURE_RETURNED = "closure_returned", _("Closure returned")
        REOPENED = "reopened", _("Case reopened")
        REASSIGNED = "reassigned", _("Case reassigned")
        REVIEWED = "reviewed", _("Supervisor review")
        NEED_ADDED = "need_added", _("Need added")
        NEED = "need", _("Need updated")
        CONSENT = "consent", _("Consent")
        ED_VISIT = "ed_visit", _("ED visit")
        REFERRAL = "referral", _("Referral")
        # Written by the screening app: the screening itself says what was asked and answered.
        SCREENING_SENT = "screening_sent", _("Screening sent to the family portal")
        SCREENING_COMPLETED = "screening_completed", _("Screening completed")
        SCREENING_WITHDRAWN = "screening_withdrawn", _("Screening withdrawn")
        PROPOSAL_DISMISSED = "proposal_dismissed", _("Proposed need dismissed")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    def status_label(self, code):
        return status_label(code)


class Need(TrackedModel):
    """What a child, or the household, needs; followed until met or honestly closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        MET = "met", _("Met")
        UNMET = "unmet", _("Unmet")
        DECLINED = "declined", _("Declined")

    RESOLVED = (Status.MET, Status.UNMET, Status.DECLINED)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="needs")
    child = models.ForeignKey(
        Child,
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        related_name="needs",
        null=True,
        blank=True,
        help_text=_("Leave empty for a household need such as housing or transportation."),
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs"
    )
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["category", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress"]) | ~Q(resolution_note=""),
                name="need_resolved_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.description[:40]}"

    @property
    def is_resolved(self):
        return self.status in self.RESOLVED


class Goal(TrackedModel):
    """A goal of the shared plan of care, in the family's words."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DISCONTINUED = "discontinued", _("Discontinued")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="goals")
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="goals", null=True, blank=True
    )
    description = models.TextField(_("goal, in the family's words"))
    next_steps = models.TextField(_("next steps"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    shared_with_family = models.BooleanField(_("shared with the family"), default=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.description[:60]


class Activity(TrackedModel):
    """A logged contact or piece of work. Internal: never shown to the family."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        MESSAGE = "message", _("Message")
        MEETING = "meeting", _("Meeting")
        CHART_REVIEW = "chart_review", _("Chart review")

    CONTACT_KINDS = (Kind.CALL, Kind.VISIT, Kind.MESSAGE, Kind.MEETING)

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CALL)
    with_whom = models.CharField(_("with whom"), max_length=160, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    minutes = models.PositiveSmallIntegerField(_("minutes spent"))
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"]), models.Index(fields=["occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=24 * 60), name="activity_minutes_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Task(TrackedModel):
    """A follow-up with an assignee and a due date; overdue is derived."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Tasks created by a rule carry a key, so running the rule again never duplicates them.
    rule_key = models.CharField(max_length=120, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["completed_at", "due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "completed_at", "due_on"]),
            models.Index(fields=["case", "completed_at", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_key"], condition=~Q(rule_key=""), name="task_rule_key_unique"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.completed_at is None

    @property
    def is_overdue(self):
        return self.completed_at is None and self.due_on < timezone.localdate()


class EDVisit(TrackedModel):
    """A child's emergency-department visit; drives the follow-up and return measures."""

    class Reason(models.TextChoices):
        MENTAL_HEALTH_CRISIS = "mental_health_crisis", _("Mental-health crisis")
        OTHER = "other", _("Other")

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="ed_visits"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="ed_visits",
        null=True,
        blank=True,
    )
    hospital = models.CharField(_("hospital"), max_length=160, blank=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason)
    reason_detail = models.TextField(_("details"), blank=True)
    arrived_at = models.DateTimeField(_("arrival"))
    discharged_at = models.DateTimeField(_("discharge"), null=True, blank=True)

    class Meta:
        verbose_name = _("ED visit")
        verbose_name_plural = _("ED visits")
        ordering = ["-arrived_at"]
        indexes = [
            models.Index(fields=["child", "arrived_at"]),
            models.Index(fields=["reason", "arrived_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True) | Q(discharged_at__gte=models.F("arrived_at")),
                name="edvisit_discharge_after_arrival",
            ),
        ]

    def __str__(self):
        return f"{self.child} {self.arrived_at:%Y-%m-%d}"

    @property
    def follow_up_due_on(self):
        base = self.discharged_at or self.arrived_at
        days = self.case.program.follow_up_target_days if self.case_id else 7
        return timezone.localtime(base).date() + datetime.timedelta(days=days)


_STATUS_LABELS = {**dict(Case.Status.choices), **dict(Need.Status.choices)}


def status_label(code):
    """The readable name of a case or need status stored on a timeline event."""
    return _STATUS_LABELS.get(code, code)


class EmergencyAccess(UUIDModel):
    """A staff user's time-limited access to one case outside their teams, for a stated reason.

    Made only by ``cases.emergency.emergency_access_grant``; never changed afterwards
    (an early end is not offered: the grant simply runs out at ``ends_at``).
    """

    class Reason(models.TextChoices):
        SAFETY = "safety", _("A child's health or safety is at risk now")
        COVERING = "covering", _("Covering for the family's team, who cannot be reached")
        FAMILY_CALLED = "family_called", _("The family called and needs help now")
        OTHER = "other", _("Another urgent reason")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    explanation = models.TextField(_("explanation"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "ends_at"], name="emergency_user_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("started_at")), name="emergency_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.case_id} until {self.ends_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self):
        return self.ends_at > timezone.now()
