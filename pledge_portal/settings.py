"""Settings for every environment, read from environment variables (12-factor).

The defaults need no services but PostgreSQL: `make run` starts an embedded one
and sets DATABASE_URL (scripts/run.py), Celery runs eagerly and email goes to
the console. Set DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL and CACHE_URL to
run on real services; set DEBUG=False (with a real SECRET_KEY) for production.
"""

from email.utils import formataddr
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.message import sanitize_address
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional, for local overrides only

# Django: hosts, apps, middleware, templates, forms and language -------------------
DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is False.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram search in the directory and the library
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "crispy_forms",
    "accounts",
    "outbox",
    "organisations",
    "pledges",
    "reviews",
    "team",
    "directory",
    "privacy",
    "demo",
    "django_guid",
    "operations",
]

MIDDLEWARE = [
    # First, so every later middleware's log lines (and the access log) carry the request id.
    "django_guid.middleware.guid_middleware",
    "operations.middleware.access_log_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the policy headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "operations.middleware.policy_headers_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors get public pages from the cache here, before sessions and CSRF: directory/caching.py
    "directory.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.session_timeout_middleware",
    "accounts.middleware.superuser_two_factor_middleware",
]

ROOT_URLCONF = "pledge_portal.urls"
WSGI_APPLICATION = "pledge_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pledge_portal.context_processors.programme",
                "directory.context_processors.directory",
            ],
            "libraries": {"portal_forms": "pledge_portal.forms", "people": "pledge_portal.people"},
        },
    },
]

# Django 6's behaviour now: a website typed as "example.org" means https://example.org.
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Database -------------------------------------------------------------------------
# PostgreSQL only, everywhere: `make run` starts an embedded one and sets this for its processes.
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run the portal with `make run`, which starts a PostgreSQL of its own,"
        " or set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/name)."
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache ----------------------------------------------------------------------------
# A real cache even by default: allauth's rate limits need one that counts. In production, a Redis that
# never evicts (the broker's may be shared): an evicted count would lift a sign-in lockout.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # The public pages anonymous visitors get (directory/caching.py), apart: in production a Redis of its
    # own with maxmemory and allkeys-lru (docs/caching.md); by default each process's memory, bounded.
    "pages": env.cache("PAGE_CACHE_URL", default="locmemcache://pages?max_entries=1000"),
}

# Accounts: passwords, sign-in (django-allauth), two-factor and sessions -----------
AUTH_USER_MODEL = "accounts.User"
# Argon2id (argon2-cffi) hashes new passwords. The PBKDF2 hashers after it, Django's former default,
# still check the passwords hashed before; each is hashed again with Argon2id at its next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # The demo seed's accounts take the demo password (demo/logins.py), only while DEBUG is on.
    "demo.backends.DemoAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The words anyone would guess first here: the programme's own, and the user's organisation.
    {"NAME": "organisations.passwords.ProgrammeWordsValidator"},
    # Offline: a bundled list of passwords seen in breaches; sign-up makes no network call.
    {"NAME": "accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/my/"

# django-allauth: email is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# The client's address, for the rate limits above. Behind the proxy docs/deploy.md describes it is the last
# address the proxy appended to X-Forwarded-For (1 proxy); with none, REMOTE_ADDR, so that an
# X-Forwarded-For a client made up is ignored. A proxy that sets a header of its own instead
# (such as X-Real-IP) names it in ALLAUTH_TRUSTED_CLIENT_IP_HEADER.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default=None)
# Adding or changing an email address, or the password, asks for the password again;
# so do withdrawing a pledge and removing a contact (allauth's reauthentication_required).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The owner is told (through the outbox, by the adapter) when an address or the password changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Two-factor sign-in with an authenticator app (TOTP), offered to staff and the programme team.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Trauma-Informed Pledge Portal")
# Superusers must set up two-factor sign-in before they can use the portal.
MFA_REQUIRED_FOR_SUPERUSERS = env.bool("MFA_REQUIRED_FOR_SUPERUSERS", default=not DEBUG)
# The admin's path, so it is not where every scanner looks (no slashes at either end).
ADMIN_PATH = env("ADMIN_PATH", default="admin").strip("/")

# Sessions end after this long without a request (shorter for the programme team and staff,
# whose sessions can change everyone's pledges), and at the latest this long after signing in.
# A partner's journey saves as it goes, so a session that ends loses nothing typed.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=8 * 60)
SESSION_TEAM_IDLE_MINUTES = env.int("SESSION_TEAM_IDLE_MINUTES", default=2 * 60)
SESSION_MAX_AGE_HOURS = env.int("SESSION_MAX_AGE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 60 * 60

# Static files, media and uploads --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Logos are user uploads; in production put MEDIA_ROOT on persistent storage.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# The programme: its address and team, and the rules of its year -------------------
# Absolute links in emails and open data are built from this, never from the
# request's Host header, so a forged Host cannot poison them.
# In development the default follows PORT, where `make run` serves, so emailed links work on any port.
_LOCAL_PORT = env("PORT", default="8000") if DEBUG else "8000"
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{_LOCAL_PORT}").rstrip("/")
PROGRAMME_NAME = env(
    "PROGRAMME_NAME", default="Trauma-Informed Bristol, North Somerset and South Gloucestershire"
)
PROGRAMME_TEAM_EMAIL = env("PROGRAMME_TEAM_EMAIL", default="bnssg.traumainformed@nhs.net")

# Annual review reminders: days from a cycle's due date (negative is before it).
# The partner hears "upcoming", then "due", then "overdue"; "escalation" goes to
# the programme team. A sweep that missed days sends only the latest one due.
REVIEW_REMINDER_OFFSETS = {
    "upcoming": env.int("REVIEW_REMINDER_UPCOMING_DAYS", default=-30),
    "due": env.int("REVIEW_REMINDER_DUE_DAYS", default=0),
    "overdue": env.int("REVIEW_REMINDER_OVERDUE_DAYS", default=14),
    "escalation": env.int("REVIEW_REMINDER_ESCALATION_DAYS", default=28),
}
if not (
    REVIEW_REMINDER_OFFSETS["upcoming"] < REVIEW_REMINDER_OFFSETS["due"] < REVIEW_REMINDER_OFFSETS["overdue"]
):
    raise ImproperlyConfigured("Review reminders must come in order: upcoming, then due, then overdue.")
# Cycles claimed per transaction by the reminder sweep.
REVIEW_REMINDER_BATCH_SIZE = env.int("REVIEW_REMINDER_BATCH_SIZE", default=500)
# Lapsing: after the escalation, a cycle still not reviewed LAPSE_AFTER_DAYS after its due date
# is due to lapse; its contacts get a last notice LAPSE_NOTICE_DAYS before. The team confirms
# each lapse unless LAPSE_AUTOMATICALLY lets the daily sweep lapse them.
LAPSE_AFTER_DAYS = env.int("LAPSE_AFTER_DAYS", default=90)
LAPSE_NOTICE_DAYS = env.int("LAPSE_NOTICE_DAYS", default=14)
LAPSE_AUTOMATICALLY = env.bool("LAPSE_AUTOMATICALLY", default=False)
if not REVIEW_REMINDER_OFFSETS["escalation"] <= LAPSE_AFTER_DAYS - LAPSE_NOTICE_DAYS:
    raise ImproperlyConfigured("The lapse notice must come after the escalation: raise LAPSE_AFTER_DAYS.")
# Invitations to become a partner's contact stop working after this many days.
CONTACT_INVITATION_VALID_DAYS = env.int("CONTACT_INVITATION_VALID_DAYS", default=14)
# Limits on contact invitations, so the portal cannot be used to send unwanted email.
CONTACT_INVITATIONS_PER_HOUR_PER_PERSON = env.int("CONTACT_INVITATIONS_PER_HOUR_PER_PERSON", default=10)
CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION = env.int(
    "CONTACT_INVITATIONS_PER_HOUR_PER_ORGANISATION", default=10
)
CONTACT_INVITATIONS_PENDING_MAX = env.int("CONTACT_INVITATIONS_PENDING_MAX", default=20)
# Requests to join an organisation one person may make in any day (each emails its people).
JOIN_REQUESTS_PER_DAY_PER_PERSON = env.int("JOIN_REQUESTS_PER_DAY_PER_PERSON", default=5)
# Retention, as the privacy notice states (privacy/services.py, monthly from beat): accounts whose
# email address was never confirmed, drafts never submitted nor changed, and the text of sent emails.
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env.int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", default=30)
RETENTION_DRAFT_MONTHS = env.int("RETENTION_DRAFT_MONTHS", default=12)
RETENTION_SENT_EMAIL_BODY_DAYS = env.int("RETENTION_SENT_EMAIL_BODY_DAYS", default=90)
# The programme team aims to decide a submitted pledge within this many working days.
# Its old name, REVIEW_TARGET_WORKING_DAYS, is still read for one release so deployments can move over.
DECISION_TARGET_WORKING_DAYS = env.int(
    "DECISION_TARGET_WORKING_DAYS", default=env.int("REVIEW_TARGET_WORKING_DAYS", default=10)
)

# Email and the outbox -------------------------------------------------------------
# formataddr quotes a name with a comma in it; written by hand, SMTP reads such
# a sender as two addresses and refuses every email.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=formataddr((PROGRAMME_NAME, PROGRAMME_TEAM_EMAIL)))
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Refused here, where web, worker and beat all read them: only a real SMTP server
# parses a sender, too late, and gunicorn and Celery run no system checks.
for _name, _address in [
    ("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL),
    ("SERVER_EMAIL", SERVER_EMAIL),
    ("PROGRAMME_TEAM_EMAIL", PROGRAMME_TEAM_EMAIL),
]:
    try:
        sanitize_address(_address, "utf-8")
    except (ValueError, IndexError) as _error:
        raise ImproperlyConfigured(
            f"{_name} is not one email address: {_address!r} ({_error}). Write it as"
            ' "Name <address@example.org>", with the name in double quotes if it contains a comma,'
            " or leave it unset to use the default."
        ) from _error

# Email: console in development, SMTP (smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-emails")
# A stalled SMTP server must not hold a worker until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The outbox (outbox/services.py). Every email is a row; workers send it, and the
# sweep alone decides when a row that could not be sent is tried again.
# A worker claims a row for this long before sending; only an expired claim
# (its worker died mid-send) is taken over, so a duplicate needs a crash.
OUTBOX_SEND_LEASE_SECONDS = env.int("OUTBOX_SEND_LEASE_SECONDS", default=5 * 60)
# The sweep picks up a new email still queued after this long (its task was lost).
OUTBOX_RETRY_AFTER_SECONDS = env.int("OUTBOX_RETRY_AFTER_SECONDS", default=2 * 60)
# Temporary failures (4xx answers, connection errors) back off up to this long between tries...
OUTBOX_MAX_BACKOFF_SECONDS = env.int("OUTBOX_MAX_BACKOFF_SECONDS", default=60 * 60)
# ...and are given up as failed only once the email is this old: a day's SMTP outage loses nothing.
OUTBOX_GIVE_UP_AFTER_HOURS = env.int("OUTBOX_GIVE_UP_AFTER_HOURS", default=48)
# The domain in each email's Message-ID, which stays the same on every try.
EMAIL_MESSAGE_ID_DOMAIN = env(
    "EMAIL_MESSAGE_ID_DOMAIN", default=PROGRAMME_TEAM_EMAIL.rpartition("@")[2] or "localhost"
)

# Celery ---------------------------------------------------------------------------
# Celery. With no broker configured, tasks run eagerly in the web process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Eager tasks behave like queued ones: a failure is logged and retried, not raised
# into the web request that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# A task is acknowledged only once done, so a worker that dies mid-task
# hands it back to the broker instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any retry countdown, or Redis redelivers tasks still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Web requests enqueue through pledge_portal.celery.enqueue(), which never
# waits on the broker longer than this (down, or frozen and silent), and leaves
# the work to the sweep. The timeout is on that enqueueing connection only: the
# worker's own connection blocks on purpose while it waits for tasks.
# Its old name, TASK_PUBLISH_TIMEOUT_SECONDS, is still read for one release so deployments can move over.
TASK_ENQUEUE_TIMEOUT_SECONDS = env.float(
    "TASK_ENQUEUE_TIMEOUT_SECONDS", default=env.float("TASK_PUBLISH_TIMEOUT_SECONDS", default=0.5)
)
# After a failed enqueue, a process skips enqueueing for this long (the sweep catches up).
# Its old name, TASK_PUBLISH_PAUSE_SECONDS, is still read for one release so deployments can move over.
TASK_ENQUEUE_PAUSE_SECONDS = env.float(
    "TASK_ENQUEUE_PAUSE_SECONDS", default=env.float("TASK_PUBLISH_PAUSE_SECONDS", default=10)
)
# Emails have a queue of their own, so a deployment can scale their workers apart.
CELERY_TASK_ROUTES = {
    "outbox.tasks.send_email": {"queue": "email"},
    "pledges.tasks.send_email": {"queue": "email"},  # its name before the outbox app; see outbox/tasks.py
}
CELERY_BEAT_SCHEDULE = {
    "send-queued-emails": {
        "task": "outbox.tasks.send_queued_emails",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    "send-review-reminders": {
        "task": "reviews.tasks.send_review_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Invitations to reaffirm a new wording of the pledge, once it takes effect (and any a lost task missed).
    "invite-partners-to-reaffirm": {
        "task": "pledges.tasks.invite_partners_to_reaffirm",
        "schedule": crontab(hour=7, minute=15),
    },
    "build-requested-directory": {
        "task": "directory.tasks.build_requested_directory",
        "schedule": 5 * 60,
    },
    # Monthly: delete what the privacy notice says is not kept (privacy/services.py).
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(day_of_month=1, hour=3, minute=15),
    },
    "build-directory": {
        "task": "directory.tasks.build_directory",
        "schedule": crontab(hour=2, minute=30),
    },
    # Read by /health/ready. A heartbeat that waited a minute is superseded by the next one.
    "record-heartbeat": {
        "task": "operations.tasks.record_heartbeat",
        "schedule": 60,
        "options": {"expires": 60},
    },
}

# Security: production hardening and the policy headers ----------------------------
# Production hardening: on whenever DEBUG is off (python manage.py check --deploy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A __Host- cookie is Secure, host-only and for the whole site: a browser refuses it otherwise,
# so no subdomain or plain-http page can set or overwrite it.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the portal's own scripts, styles and images only, and no
# inline script. CSP_REPORT_ONLY=True sends it as Content-Security-Policy-Report-Only instead,
# so a new policy can be tried on a live site; CSP_REPORT_URI names where browsers report.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the QR code on the two-factor set-up page.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        **({"report-uri": [env("CSP_REPORT_URI")]} if env("CSP_REPORT_URI", default="") else {}),
    }
}
# (Not a setting of its own: django-csp refuses its old CSP_* setting names.)
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Features no page uses, denied to every page and anything it embeds (django-permissions-policy's
# header; it refuses a name it does not know). Only names Chromium recognises: it logs an error for
# any other on every page (it dropped "bluetooth").
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "browsing-topics",
    )
}

# Logging --------------------------------------------------------------------------
# Logging: one console handler for web, worker and beat (pledge_portal/celery.py hands
# Celery this same configuration). LOG_FORMAT=json writes one JSON object per line.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "task_id": {"()": "operations.logs.CeleryTaskId"},
        "skip_health_probes": {"()": "operations.logs.SkipHealthProbes"},
        "hide_secrets": {"()": "operations.logs.HideSecrets"},
    },
    # Both hide tokens and keys in URLs (operations.redaction) in every line they write.
    "formatters": {
        "text": {
            "class": "operations.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "task_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Through the root handler only (Django's default adds a second, plain one when DEBUG is on).
        "django": {"handlers": [], "level": LOG_LEVEL},
        # runserver's own request lines: the access log (operations.middleware) already has them.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True, "filters": ["hide_secrets"]},
        "django.request": {"filters": ["skip_health_probes", "hide_secrets"]},
        # A logger's filters see only its own records, not its children's: named one by one.
        "django.security.csrf": {"filters": ["hide_secrets"]},
        "django_guid": {"level": "WARNING"},
        # A failing check is expected news, logged once per probe by operations.views without a traceback.
        "health_check": {"level": "ERROR"},
    },
}
# Celery logs through LOGGING above instead of replacing its handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The public directory -------------------------------------------------------------
# A change waits this long before its build, so a burst of changes is shown by one build.
DIRECTORY_BUILD_DELAY_SECONDS = 3
# Pages outside the directory app that anonymous visitors get from the cache (directory/caching.py);
# the directory's own pages are marked in directory/views.py.
DIRECTORY_CACHED_PAGES = {"pages:home", "pages:pledge"}
# At most this many pages (distinct queries) are stored per path for each snapshot; past it, a page is
# rendered for its visitor and not stored, so a flood of made-up searches cannot fill the page cache.
PAGE_CACHE_MAX_VARIANTS = env.int("PAGE_CACHE_MAX_VARIANTS", default=1000)

# Operations ----------------------------------------------------------------------
# Health checks (/health/live, /health/ready; see operations/health.py). Each
# signal fails /health/ready when it passes its limit.
HEALTH_OUTBOX_MAX_AGE_MINUTES = env.int("HEALTH_OUTBOX_MAX_AGE_MINUTES", default=30)
HEALTH_MAX_FAILED_EMAILS = env.int("HEALTH_MAX_FAILED_EMAILS", default=0)
HEALTH_FAILED_EMAILS_WINDOW_HOURS = env.int("HEALTH_FAILED_EMAILS_WINDOW_HOURS", default=24)
HEALTH_DIRECTORY_MAX_AGE_HOURS = env.int("HEALTH_DIRECTORY_MAX_AGE_HOURS", default=26)
HEALTH_BEAT_MAX_AGE_MINUTES = env.int("HEALTH_BEAT_MAX_AGE_MINUTES", default=5)
# Each worker records its own heartbeat this often while it consumes (operations.tasks.WorkerHeartbeat).
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=60)
HEALTH_WORKER_MAX_AGE_MINUTES = env.int("HEALTH_WORKER_MAX_AGE_MINUTES", default=5)
# Shows the numbers behind /health/ready to a monitor sending "Authorization: Bearer <token>".
HEALTH_CHECK_TOKEN = env("HEALTH_CHECK_TOKEN", default="")
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]

# Request ids (django-guid): taken from the proxy's X-Request-ID when it is a
# valid UUID, else made up; returned in the response, and carried into the
# Celery tasks a request queues.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "INTEGRATIONS": [CeleryIntegration()],
}

# Error reports: off unless SENTRY_DSN is set.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from operations.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
