"""The portal's user: a person identified by their email address."""

from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from pledge_portal import names

PROGRAMME_TEAM_GROUP = "Programme team"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        # Whoever runs createsuperuser owns the address they typed: it is verified, so they can sign
        # in at once (sign-in otherwise waits for a confirmation email).
        from allauth.account.models import EmailAddress

        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField("full name", max_length=200, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_user_email_ignoring_case"),
            names.one_line_of_plain_text("name", name="user_name_is_one_line_of_plain_text"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    @property
    def name_and_email(self):
        """How the team and emails name someone: "Priya Shah (head2@example.org)", the address only once."""
        return f"{self.name} ({self.email})" if self.name else self.email

    @cached_property
    def is_programme_team(self):
        """Whether this person may use the programme team's tools: decisions on pledges, annual reviews."""
        if not self.is_active:
            return False
        return self.is_superuser or self.groups.filter(name=PROGRAMME_TEAM_GROUP).exists()
