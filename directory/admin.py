"""The directory's snapshots in the admin: read-only, as only a build writes them."""

from django.contrib import admin

from .models import (
    DirectoryBuildRequest,
    DirectoryDeparture,
    DirectoryEntry,
    DirectorySnapshot,
    LibraryAction,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The directory snapshot is written only by the build task; staff may look, and delete, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DirectorySnapshot)
class DirectorySnapshotAdmin(ReadOnlyAdmin):
    list_display = ("data_as_of", "version", "partner_count", "content_changed_at", "built_at")


@admin.register(DirectoryBuildRequest)
class DirectoryBuildRequestAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "organisation_id")


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "sector", "kind", "signed_on", "snapshot")
    list_select_related = ("snapshot",)
    search_fields = ("name", "slug")
    exclude = ("page", "record", "csv_row", "action_rows")


@admin.register(DirectoryDeparture)
class DirectoryDepartureAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "status", "left_on", "snapshot")
    list_select_related = ("snapshot",)


@admin.register(LibraryAction)
class LibraryActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "partner_name", "year", "progress", "snapshot")
    list_select_related = ("snapshot",)
    search_fields = ("title", "partner_name")
