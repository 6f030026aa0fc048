"""Admin for the pledge text and reference lists, and a read-only view of pledges and their records."""

from django.contrib import admin
from django.urls import reverse

from pledge_portal.admin import ViewOnlyAdmin, ViewOnlyMixin

from .models import (
    Action,
    ActionTheme,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeVersion,
    Reaffirmation,
    RejectionReason,
    ReportNarrative,
    ReviewCycle,
    SignatoryChange,
)


def _is_published(version):
    return version is not None and not version.is_draft


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0

    # A published wording is what partners signed: it never changes, here or in the portal.
    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


@admin.register(PledgeVersion)
class PledgeVersionAdmin(admin.ModelAdmin):
    """Versions are drafted and published by the team in the portal (/team/versions/)."""

    list_display = ("number", "title", "published_on")
    inlines = [CommitmentInline]

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


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


def pledge_page(pledge_id):
    return reverse("team:pledge", args=[pledge_id])


class ActionInline(ViewOnlyMixin, admin.StackedInline):
    model = Action
    extra = 0


class PledgeEventInline(ViewOnlyMixin, admin.TabularInline):
    model = PledgeEvent
    extra = 0
    fields = readonly_fields = ("created_at", "kind", "actor", "from_status", "to_status", "note")


@admin.register(Pledge)
class PledgeAdmin(ViewOnlyAdmin):
    """For looking up a pledge. Decisions and edits are made in the portal, which audits them."""

    list_display = ("reference", "organisation", "status", "signatory_name", "submitted_at", "signed_on")
    list_filter = ("status", "version", "organisation__sector")
    search_fields = ("organisation__name", "signatory_name", "created_by__email")
    readonly_fields = ("portal_page", "created_at", "updated_at")
    inlines = [ActionInline, PledgeEventInline]

    def portal_url(self, obj):
        return pledge_page(obj.pk)


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ViewOnlyAdmin):
    list_display = ("pledge", "number", "starts_on", "due_on", "reviewed_at")
    list_filter = ("number",)
    search_fields = ("pledge__organisation__name",)
    date_hierarchy = "due_on"

    def portal_url(self, obj):
        return pledge_page(obj.pledge_id)


@admin.register(Action)
class ActionAdmin(ViewOnlyAdmin):
    list_display = ("title", "pledge", "cycle", "number", "theme", "progress")
    list_filter = ("theme", "progress")
    search_fields = ("title", "pledge__organisation__name")

    def portal_url(self, obj):
        return pledge_page(obj.pledge_id)


@admin.register(PledgeEvent)
class PledgeEventAdmin(ViewOnlyAdmin):
    """The audit trail: never rewritten."""

    list_display = ("pledge", "kind", "actor", "from_status", "to_status", "created_at")
    list_filter = ("kind",)
    search_fields = ("pledge__organisation__name", "note")

    def portal_url(self, obj):
        return pledge_page(obj.pledge_id)


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(ViewOnlyAdmin):
    """The team writes each year's narrative on its report page (/team/report/<year>/)."""

    list_display = ("year", "updated_at", "updated_by")

    def portal_url(self, obj):
        return reverse("team:report_year", args=[obj.year])


@admin.register(Reaffirmation)
class ReaffirmationAdmin(ViewOnlyAdmin):
    """Invitations to reaffirm a new version, and the answers: written only by the portal."""

    list_display = ("pledge", "version", "invited_at", "reminded_at", "reaffirmed_at", "reaffirmed_by")
    list_filter = ("version",)
    search_fields = ("pledge__organisation__name",)

    def portal_url(self, obj):
        return pledge_page(obj.pledge_id)


@admin.register(SignatoryChange)
class SignatoryChangeAdmin(ViewOnlyAdmin):
    """Changes of signatory: started and completed in the portal, with their event."""

    list_display = (
        "pledge",
        "status",
        "previous_signatory_name",
        "new_signatory",
        "started_at",
        "completed_at",
    )
    list_filter = ("status",)
    search_fields = ("pledge__organisation__name", "previous_signatory_name", "new_signatory__email")

    def portal_url(self, obj):
        return pledge_page(obj.pledge_id)
