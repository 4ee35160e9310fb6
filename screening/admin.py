"""The admin: instruments, domains and schedules are data an administrator may add; screenings and their
answers are read there, never changed (the services write them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AnswerOption,
    Domain,
    Instrument,
    NeedProposal,
    Question,
    Scoring,
    Screening,
    ScreeningAnswer,
    ScreeningResult,
    ScreeningSchedule,
)


class AnsweredVersionReadOnly:
    """An instrument version families have answered is never edited: a change is a new version."""

    def _answered(self, obj):
        instrument = getattr(obj, "instrument", obj) if obj is not None else None
        return instrument is not None and instrument.pk and instrument.screenings.exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._answered(obj)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "category", "sensitive", "position"]


class ScoringInline(admin.TabularInline):
    model = Scoring
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "loinc_code", "domain", "text_en", "text_es", "multiple"]
    show_change_link = True


@admin.register(Instrument)
class InstrumentAdmin(AnsweredVersionReadOnly, admin.ModelAdmin):
    list_display = ["code", "version", "loinc_code", "title_en", "active"]
    list_filter = ["active"]
    inlines = [ScoringInline, QuestionInline]


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    extra = 0


@admin.register(Question)
class QuestionAdmin(AnsweredVersionReadOnly, admin.ModelAdmin):
    list_display = ["loinc_code", "instrument", "domain", "position"]
    list_filter = ["instrument"]
    inlines = [AnswerOptionInline]


@admin.register(ScreeningSchedule)
class ScreeningScheduleAdmin(admin.ModelAdmin):
    list_display = ["program", "instrument_code", "every_months"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScreeningAnswerInline(admin.TabularInline):
    model = ScreeningAnswer
    fields = ["question_code", "answer_code", "positive", "score", "declined"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ScreeningResultInline(admin.TabularInline):
    model = ScreeningResult
    fields = ["domain", "result", "score", "risk_code", "result_code"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "instrument", "mode", "status", "created_at", "completed_at"]
    list_filter = ["status", "mode", "instrument"]
    inlines = [ScreeningAnswerInline, ScreeningResultInline]


@admin.register(NeedProposal)
class NeedProposalAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "category", "status", "decided_at"]
    list_filter = ["status", "category"]
    verbose_name = _("proposed need")
