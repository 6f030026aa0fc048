"""Admin for organisations and the people who act for them."""

from django.contrib import admin
from django.urls import reverse

from pledge_portal.admin import ViewOnlyAdmin, ViewOnlyMixin

from .models import (
    Area,
    Invitation,
    JoinRequest,
    Membership,
    NameChange,
    OldSlug,
    Organisation,
    OrganisationEvent,
)
from .services import details


class MembershipInline(ViewOnlyMixin, admin.TabularInline):
    """Who acts for the organisation, read-only: people join by invitation or an approved request,
    and leave from the contacts page, so each change is checked and audited."""

    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = fields


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "sector", "website", "created_at")
    list_filter = ("kind", "sector", "areas")
    search_fields = ("name", "website")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("areas",)
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        # A change is audited and shown in the directory, as a member's edit is; an organisation added
        # here has no pledge, so nothing of it is public yet.
        if change:
            details.update_organisation_in_admin(organisation=obj, by=request.user, changed=form.changed_data)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Read-only, like the inline: memberships change only through the portal's audited services."""

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


@admin.register(JoinRequest)
class JoinRequestAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Requests are answered on their portal page (the programme team's list is /team/join-requests/)."""

    list_display = ("user", "organisation", "status", "created_at", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("user__email", "organisation__name")


@admin.register(OrganisationEvent)
class OrganisationEventAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The audit trail of organisations' people: never edited."""

    list_display = ("created_at", "organisation", "kind", "actor", "person", "note")
    list_filter = ("kind",)
    search_fields = ("organisation__name",)


@admin.register(NameChange)
class NameChangeAdmin(ViewOnlyAdmin):
    """Changes of name are asked for and decided in the portal, which renames and keeps the old slug."""

    list_display = ("old_name", "new_name", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("old_name", "new_name")

    def portal_url(self, obj):
        return reverse("team:name_change", kwargs={"change_id": obj.pk})


@admin.register(OldSlug)
class OldSlugAdmin(ViewOnlyAdmin):
    """Old addresses answer 301 for good: never edited or removed here."""

    list_display = ("slug", "organisation", "created_at")
    search_fields = ("slug", "organisation__name")

    def portal_url(self, obj):
        return reverse("directory:partner", kwargs={"slug": obj.organisation.slug})
