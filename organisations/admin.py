"""Admin for organisations and the people who act for them."""

from django.contrib import admin

from .models import Area, Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "sector", "website", "created_at")
    list_filter = ("kind", "sector", "areas")
    search_fields = ("name", "website")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("areas",)
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "organisation__name")
    autocomplete_fields = ["user", "organisation"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made and answered in the portal; staff only look (the token is never stored)."""

    list_display = (
        "email",
        "organisation",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    search_fields = ("email", "organisation__name")
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False
