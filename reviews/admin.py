"""Admin for annual review reminders: a read-only record of what was sent."""

from django.contrib import admin
from django.urls import reverse

from pledge_portal.admin import ViewOnlyAdmin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(ViewOnlyAdmin):
    list_display = ("cycle", "kind", "sent_at")
    list_filter = ("kind",)

    def portal_url(self, obj):
        return reverse("team:annual_review", kwargs={"cycle_id": obj.cycle_id})
