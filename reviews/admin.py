"""Admin for annual review reminders: a read-only record of what was sent."""

from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("cycle", "kind", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("cycle",)
