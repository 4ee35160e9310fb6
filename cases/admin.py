from django.contrib import admin

from .models import (
    Activity,
    Caregiver,
    Case,
    CaseEvent,
    Child,
    Consent,
    EDVisit,
    EmergencyAccess,
    Family,
    Goal,
    Need,
    Program,
    ServiceCategory,
    Task,
)

READ_ONLY = ["uuid", "version", "created_at", "created_by", "updated_at", "updated_by"]


class CaregiverInline(admin.TabularInline):
    model = Caregiver
    extra = 0
    fields = ["first_name", "last_name", "relationship", "phone", "email", "is_primary", "user"]
    raw_id_fields = ["user"]


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "last_name", "date_of_birth", "mrn"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "follow_up_target_days", "acknowledge_business_days", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "position"]
    search_fields = ["code"]
    list_filter = ["code"]


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "town", "preferred_language", "archived_at"]
    list_filter = [
        "team",
        "preferred_language",
        "interpreter_needed",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "phone", "email", "town"]
    readonly_fields = READ_ONLY
    inlines = [CaregiverInline, ChildInline]


@admin.register(Caregiver)
class CaregiverAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "family", "relationship", "is_primary", "user"]
    list_filter = ["relationship", "is_primary"]
    search_fields = ["first_name", "last_name", "phone", "email", "family__name"]
    raw_id_fields = ["family", "user"]
    readonly_fields = READ_ONLY


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "date_of_birth", "family", "mrn"]
    search_fields = ["first_name", "last_name", "mrn", "family__name"]
    list_filter = ["family__team"]
    raw_id_fields = ["family"]
    readonly_fields = READ_ONLY


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["family", "scope", "given_on", "expires_on", "withdrawn_at"]
    list_filter = ["scope", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["family__name", "given_by"]
    raw_id_fields = ["family"]
    readonly_fields = READ_ONLY


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["family", "program", "status", "coordinator", "team", "urgent", "opened_at", "closed_at"]
    list_filter = ["status", "program", "team", "urgent", "closure_reason"]
    search_fields = ["family__name", "coordinator__username", "coordinator__last_name"]
    raw_id_fields = ["family", "coordinator"]
    filter_horizontal = ["children"]
    readonly_fields = READ_ONLY
    date_hierarchy = "opened_at"


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "from_status", "to_status", "actor", "at"]
    list_filter = ["kind"]
    search_fields = ["case__family__name", "note"]
    raw_id_fields = ["case", "actor"]

    def has_change_permission(self, request, obj=None):
        return False  # the timeline is history: it is never edited

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["case", "category", "child", "status", "resolved_at"]
    list_filter = ["status", "category"]
    search_fields = ["description", "case__family__name"]
    raw_id_fields = ["case", "child"]
    readonly_fields = READ_ONLY


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["case", "status", "target_date", "shared_with_family"]
    list_filter = ["status", "shared_with_family"]
    search_fields = ["description", "case__family__name"]
    raw_id_fields = ["case", "child"]
    readonly_fields = READ_ONLY


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "occurred_at", "minutes", "created_by"]
    list_filter = ["kind"]
    search_fields = ["summary", "with_whom", "case__family__name"]
    raw_id_fields = ["case"]
    readonly_fields = READ_ONLY


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "case", "assignee", "due_on", "completed_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "due_on"]
    search_fields = ["title", "case__family__name", "assignee__username"]
    raw_id_fields = ["case", "assignee", "completed_by"]
    readonly_fields = [*READ_ONLY, "rule_key"]


@admin.register(EDVisit)
class EDVisitAdmin(admin.ModelAdmin):
    list_display = ["child", "reason", "hospital", "arrived_at", "discharged_at", "case"]
    list_filter = ["reason"]
    search_fields = ["child__first_name", "child__last_name", "hospital"]
    raw_id_fields = ["child", "case"]
    readonly_fields = READ_ONLY


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(admin.ModelAdmin):
    """Emergency grants, for review: made only through the emergency-access page, never edited."""

    list_display = ["started_at", "user", "case", "reason", "ends_at"]
    list_filter = ["reason"]
    list_select_related = ["user", "case__family"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
