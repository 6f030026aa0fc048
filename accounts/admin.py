"""Admin for people's accounts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef

from outbox.models import BouncedAddress

from .forms import UserCreationForm, UserEditForm
from .models import User


class EmailBouncedFilter(admin.SimpleListFilter):
    title = "email bounced"
    parameter_name = "email_bounced"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(email_bounced=self.value() == "yes")
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "name", "email_bounced", "is_staff", "is_superuser", "is_active", "date_joined")
    list_filter = (EmailBouncedFilter, *BaseUserAdmin.list_filter)
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")},
        ),
    )

    def get_queryset(self, request):
        # A mail server refused the address for good: no email reaches this person until it is fixed.
        bounced = BouncedAddress.objects.matching(OuterRef("email"))
        return super().get_queryset(request).annotate(email_bounced=Exists(bounced))

    @admin.display(boolean=True, description="Email bounced", ordering="email_bounced")
    def email_bounced(self, obj):
        return obj.email_bounced
