"""Admin pages for records the portal's own pages change: staff may look, but change nothing here."""

from django.contrib import admin
from django.utils.html import format_html


class ViewOnlyMixin:
    """Nothing to add, change or delete: the admin shows the record read-only.

    The portal's pages make these changes through services, which record the
    audit event, send the emails and rebuild the directory; a save here would
    do none of that.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """A read-only record that links first to the portal page where it is changed: `portal_url(obj)`."""

    readonly_fields = ("portal_page",)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "portal_page"]
        return ["portal_page", *fields]

    @admin.display(description="Change it in the portal")
    def portal_page(self, obj):
        return format_html('<a href="{}">Open it in the programme team\'s pages</a>', self.portal_url(obj))
