"""The outbox in the admin: read-only, with "send again" for those allowed to."""

from django.contrib import admin, messages

from . import services
from .models import BouncedAddress, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "status", "attempts", "created_at", "sent_at", "next_attempt_at")
    list_filter = ("status",)
    search_fields = ("to", "subject", "message_id")
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_outboxemail")

    @admin.action(description="Send the selected failed emails again", permissions=["resend"])
    def send_again(self, request, queryset):
        count = services.requeue_emails(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} email(s) queued to send again.", messages.SUCCESS)


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "bounced_at")
    search_fields = ("email",)
    readonly_fields = ("email", "reason", "bounced_at")

    def has_add_permission(self, request):
        return False  # only a receiving server's refusal flags an address
