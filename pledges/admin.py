"""Admin for the pledge text, pledges, their actions and review cycles."""

from django.contrib import admin

from .models import (
    Action,
    ActionTheme,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeVersion,
    RejectionReason,
    ReviewCycle,
)


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0


@admin.register(PledgeVersion)
class PledgeVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "published_on")
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "version")
    list_filter = ("version",)


@admin.register(ActionTheme)
class ActionThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_example", "position")
    list_editable = ("position",)


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "is_active", "position")
    list_editable = ("is_active", "position")


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    filter_horizontal = ("commitments",)


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "kind", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    """For data management. Decisions are made in the programme team's pages, which audit them."""

    list_display = ("reference", "organisation", "status", "signatory_name", "submitted_at", "signed_on")
    list_filter = ("status", "version", "organisation__sector")
    search_fields = ("organisation__name", "signatory_name", "created_by__email")
    autocomplete_fields = ["organisation", "created_by"]
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [ActionInline, PledgeEventInline]


@admin.register(ReviewCycle)
class ReviewCycleAdmin(admin.ModelAdmin):
    list_display = ("pledge", "number", "starts_on", "due_on", "reviewed_at")
    list_filter = ("number",)
    search_fields = ("pledge__organisation__name",)
    date_hierarchy = "due_on"
    raw_id_fields = ("pledge",)


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("title", "pledge", "cycle", "number", "theme", "progress")
    list_filter = ("theme", "progress")
    search_fields = ("title", "pledge__organisation__name")
    raw_id_fields = ("pledge", "cycle")
    filter_horizontal = ("commitments",)


@admin.register(PledgeEvent)
class PledgeEventAdmin(admin.ModelAdmin):
    list_display = ("pledge", "kind", "actor", "from_status", "to_status", "created_at")
    list_filter = ("kind",)
    search_fields = ("pledge__organisation__name", "note")
    raw_id_fields = ("pledge", "actor")

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is never rewritten
