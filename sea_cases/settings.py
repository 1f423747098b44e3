"""SEA Cases settings: one module, every deployment difference comes from the environment.

Defaults give the embedded demo (SQLite file, Celery tasks run in-process, a local key
file). Production sets DEBUG=0 and must supply SECRET_KEY, DATABASE_URL, REDIS_URL and keys.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; anything else stops start-up naming the variable (a typo must not turn
    a protection off)."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off, not {value!r}.")
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated values, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO_SECRET_KEY = "sea-cases-demo-only-never-in-production"  # noqa: S105 (refused below outside DEBUG and the demo)
# Debug pages can echo submitted identity: on by default only for a keyless developer run. A
# deployment that sets SECRET_KEY gets DEBUG off unless it asks otherwise; `make run` (the demo)
# sets DEBUG=0 SEA_DEMO=1 so that it shows the product's own error pages, as a deployment does.
DEBUG = env_bool("DEBUG", "SECRET_KEY" not in os.environ)
# The demo relaxes what a real deployment must enforce (2FA, key file generation, HTTPS only).
SEA_DEMO = env_bool("SEA_DEMO", DEBUG)
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
if not DEBUG and not SEA_DEMO and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
# Secure cookies, SSL redirect and HSTS everywhere but a developer run and the demo, which serve
# plain HTTP on the loopback address (a Secure session cookie would never come back there).
HTTPS_ONLY = not (DEBUG or SEA_DEMO)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "core",
    "accounts",
    "allegations",
    "victims",
    "referrals",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Static files are answered here, before no-store: they hold no case data and may be cached.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that can answer on its own (redirects, CSRF failures, error pages), so
    # every dynamic response, API and download included, is no-store and carries the CSP.
    "core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # i18n: a signed-in user's saved language (accounts.UserPreference) beats the cookie and Accept-Language.
    "accounts.languages.UserLanguageMiddleware",
    "accounts.session_security.SessionLifetimeMiddleware",
    "accounts.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages' one mapping of the domain's refusals (core.errors) to 404, 403 and 409.
    "core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns its lockout flag into the locked page
]

ROOT_URLCONF = "sea_cases.urls"
WSGI_APPLICATION = "sea_cases.wsgi.application"

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
                "django.template.context_processors.i18n",
                "sea_cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'sea_cases.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it: after a PostgreSQL restart
        # the first request on every web process would otherwise fail on the dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Several writers (web + in-process tasks) must wait for the lock rather than fail, and a
    # read-then-write (the audit chain) must take the write lock at BEGIN.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    # An unreachable host (not a refusing one) answers the 503 page within seconds instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username before any password check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The one-time link an administrator has sent (administrators never set passwords): one day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in security (ASVS L2): two-factor, lockout, session lifetimes ------------------
# Two-factor (TOTP, backup codes) is required for every account outside the demo; a
# password-only session reaches only the sign-in and two-factor pages (core/two_factor.py).
SEA_REQUIRE_2FA = env_bool("SEA_REQUIRE_2FA", not SEA_DEMO)
OTP_TOTP_ISSUER = "SEA Cases"
SEA_BACKUP_CODES = 10
# Lockout by user name whatever the address, so a spread-out attack still locks the account;
# unknown user names are counted the same way, so the locked page says nothing of existence.
# (The address+name pair adds nothing to "username" alone; it is listed for axes.W006, whose
# advice - lock whole addresses - would lock out a field office behind one NAT address.)
# The proxies in front of the application (nginx): their X-Real-IP is the client's address, for the
# audit trail, the login lockout and the public surfaces' limits. Addresses or networks, comma-separated.
SEA_TRUSTED_PROXIES = env_list("SEA_TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.5)  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are already in the audit trail
# The client address is REMOTE_ADDR only: a forwarded header is client-controlled unless a
# trusted proxy rewrites it, and the lockout does not depend on the address anyway.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Signed out after 30 idle minutes, and 12 hours after sign-in whatever the activity
# (accounts/session_security.py); the stored session itself never outlives the 12 hours.
SEA_SESSION_IDLE_MINUTES = env_int("SEA_SESSION_IDLE_MINUTES", 30)
SEA_SESSION_MAX_HOURS = env_int("SEA_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SEA_SESSION_MAX_HOURS * 60 * 60
# --- end sign-in security ---------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The reporting channel (/report/) also speaks the languages of the people it serves; its Sango,
# Somali and Arabic catalogues await review by native speakers in the field (README "Languages").
PUBLIC_LANGUAGES = [*LANGUAGES, ("sg", _("Sango")), ("so", _("Somali")), ("ar", _("Arabic"))]
LANG_INFO.update({
    "sg": {"bidi": False, "code": "sg", "name": "Sango", "name_local": "Sängö"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
})
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
FORMAT_MODULE_PATH = ["sea_cases.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here and the manifest storage reads its manifest from here (the image: /app/staticfiles).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files browsers ask for at the site's root whatever the page (favicon.ico on admin and print pages).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# The demo runs without collectstatic and with DEBUG off: WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or SEA_DEMO
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or SEA_DEMO
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Narratives may be long, but a pasted 10 MB blob must reach the form to get a field
# error (and the data back) rather than a bare 400 from the request parser.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
NARRATIVE_MAX_CHARS = 50_000

# --- Security headers and cookies (README "Security headers") -----------------------------
# Sessions: short-lived, HttpOnly, Secure outside the demo. SameSite=Lax rather than Strict:
# every state change is a CSRF-checked POST, so Lax already keeps cross-site forms out, while
# Strict would drop the session on the links in reminder e-mails (users would land on the
# login page instead of the referral). The CSRF cookie is HttpOnly: forms carry the token in a
# hidden field and there is no JavaScript that reads the cookie.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# core.middleware.PermissionsPolicyMiddleware: no page needs any of these browser features.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
# django-csp 4: no inline script or style anywhere (one static script, the intake draft, and
# every page works without it; charts are SVG attributes). Images may be data: URIs (2FA QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# --- end security headers -----------------------------------------------------------------

# E-mail: files under var/sent-mail in the demo, written as the outbox keeps them (identity as
# placeholders; never the console: notices can quote identity where consent allows, and must not
# end up in logs), SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # a hung server must not hold row locks for ever
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "sent-mail"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "core.mail.OutboxFileBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sea-cases@localhost")
# Absolute links in e-mails (never carrying identity, only record ids).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: REDIS_URL present = the real broker; absent = tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The cache counts guesses at public secrets (referrals.answer_services): shared by every web
# process through Redis; without Redis, per process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": "sea-cache"} if REDIS_URL else
          {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "audit-checkpoint": {"task": "core.tasks.write_audit_checkpoint", "schedule": crontab(minute="*/10")},
    "referral-reminder-sweep": {
        "task": "referrals.tasks.sweep_due_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "stalled-exports-requeue": {"task": "reporting.tasks.requeue_stalled_exports", "schedule": crontab(minute="*/5")},
    "expired-exports-cleanup": {
        "task": "reporting.tasks.delete_expired_exports",
        "schedule": crontab(minute=5),
    },
    "erase-expired-identities-daily": {
        "task": "victims.tasks.erase_expired_identities",
        "schedule": crontab(hour=2, minute=30),
    },
    "assistance-digest-weekly": {
        "task": "victims.tasks.send_assistance_digests",
        "schedule": crontab(day_of_week="mon", hour=6, minute=0),
    },
}

# Field encryption keys. SEA_FIELD_KEYS: "kid:base64key,kid:base64key", first = current.
# Without it, keys are read from SEA_KEY_FILE; the demo creates that file on first use.
SEA_FIELD_KEYS = os.environ.get("SEA_FIELD_KEYS", "")
SEA_BLIND_INDEX_KEY = os.environ.get("SEA_BLIND_INDEX_KEY", "")
SEA_KEY_FILE = Path(os.environ.get("SEA_KEY_FILE", BASE_DIR / "var" / "keys.json"))
# The audit chain's HMAC keys ("kid:base64key,...", first = current); kept apart from the database.
SEA_AUDIT_KEYS = os.environ.get("SEA_AUDIT_KEYS", "")
# Signed checkpoints of the audit chain's head, appended here (and logged to sea.audit.checkpoint)
# on a schedule; ship the file or the log stream to a place the database's operators cannot write.
SEA_AUDIT_CHECKPOINT_FILE = Path(os.environ.get("SEA_AUDIT_CHECKPOINT_FILE",
                                                BASE_DIR / "var" / "audit-checkpoints.jsonl"))

# /healthz says "degraded" when no worker ran the minute heartbeat for this long.
SEA_HEARTBEAT_MAX_AGE_SECONDS = env_int("SEA_HEARTBEAT_MAX_AGE_SECONDS", 300)

# JSON lines for log shippers outside the demo (LOG_FORMAT=plain|json to choose).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG or SEA_DEMO else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Request bodies can hold identity; never let Django echo them into logs.
    "loggers": {"django.request": {"level": "ERROR", "propagate": True},
                # axes logs every successful sign-in at INFO; sign-ins are in the audit trail already
                "axes": {"level": "WARNING", "propagate": True}},
}



# One page size for the pages' lists and the API's pages.
PAGE_SIZE = env_int("SEA_PAGE_SIZE", 25, minimum=1)

# Referral deadlines (DESIGN.md): an answer within 10 working days, an investigation within
# 90 days when children are involved, else 180. Holidays: comma-separated ISO dates.
SEA_RESPONSE_WORKING_DAYS = env_int("SEA_RESPONSE_WORKING_DAYS", 10)
SEA_INVESTIGATION_DAYS_CHILDREN = env_int("SEA_INVESTIGATION_DAYS_CHILDREN", 90)
SEA_INVESTIGATION_DAYS = env_int("SEA_INVESTIGATION_DAYS", 180)
SEA_HOLIDAYS = env_list("SEA_HOLIDAYS")
# Reminders repeat every N (working) days while a deadline stays unmet; after two, escalate.
SEA_RESPONSE_REMINDER_EVERY_WORKING_DAYS = env_int("SEA_RESPONSE_REMINDER_EVERY_WORKING_DAYS", 10)
SEA_INVESTIGATION_REMINDER_EVERY_DAYS = env_int("SEA_INVESTIGATION_REMINDER_EVERY_DAYS", 30)
SEA_REMINDERS_BEFORE_ESCALATION = 2
SEA_HQ_ESCALATION_EMAILS = env_list("SEA_HQ_ESCALATION_EMAILS", "sea-hq@sea-cases.example.org")
# A pending reminder is queued again only if its last enqueue is older than this.
SEA_REMINDER_REQUEUE_MINUTES = env_int("SEA_REMINDER_REQUEUE_MINUTES", 30)
# A focal point's answer link works until the investigation deadline plus this many days.
SEA_ANSWER_LINK_GRACE_DAYS = env_int("SEA_ANSWER_LINK_GRACE_DAYS", 90, minimum=0)

# Evidence files: outside the web root, sealed with the field keys. Uploads stay in memory (never
# a clear copy on disk), capped at the limit plus one byte.
SEA_ATTACHMENT_DIR = Path(os.environ.get("SEA_ATTACHMENT_DIR", BASE_DIR / "var" / "attachments"))
SEA_ATTACHMENT_MAX_BYTES = env_int("SEA_ATTACHMENT_MAX_BYTES", 10 * 1_000_000)
FILE_UPLOAD_HANDLERS = ["core.uploads.BoundedMemoryUploadHandler"]
FILE_UPLOAD_PERMISSIONS = 0o600

# Retention: a victim's identity is erased this many days after every case they are part of was
# closed (README "Retention"); the statistics stay.
SEA_RETENTION_DAYS = env_int("SEA_RETENTION_DAYS", 3650)

# Annex exports above this many allegations are built by a background task with a progress page.
# The disclosure gate (core/disclosure.py): published counts below this are shown as "<N".
SEA_DISCLOSURE_THRESHOLD = env_int("SEA_DISCLOSURE_THRESHOLD", 5, minimum=3)
SEA_EXPORT_BACKGROUND_ROWS = env_int("SEA_EXPORT_BACKGROUND_ROWS", 2000)
SEA_EXPORT_DIR = Path(os.environ.get("SEA_EXPORT_DIR", BASE_DIR / "var" / "exports"))  # outside the web root
SEA_EXPORT_TTL_HOURS = env_int("SEA_EXPORT_TTL_HOURS", 24)

# API: token or session authentication; deny unless a view declares the permission its role needs.
SEA_API_TOKEN_DAYS = env_int("SEA_API_TOKEN_DAYS", 90)
SEA_API_TOKEN_MAX_DAYS = 365
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every view checks scope itself (access_<thing>, 404); HasRolePermission closes any method a
    # view did not declare; a password-only session is refused, as in the browser.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.two_factor.TwoFactorVerified",
        "accounts.api_auth.HasRolePermission",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("SEA_API_RATE", "6000/hour")},
    # "format" is the annex export's own parameter (csv|xlsx|json), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEA Cases API",
    "DESCRIPTION": (
        "Allegations, victims, consent, assistance, referrals and annex reports, with exactly the permissions "
        "of the web pages. Authenticate with `Authorization: Token <key>` (tokens expire; create and revoke "
        "them under *API tokens*) or a signed-in session. Records outside your operations answer 404. "
        "Changes carry the `version` you last read; a stale one answers 409 and changes nothing."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated", "accounts.two_factor.TwoFactorVerified"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AllegationStatusEnum": "allegations.models.Status",
        "AssistanceStatusEnum": "victims.models.AssistanceStatus",
        "ReminderKindEnum": "referrals.models.ReminderKind",
        "StepKindEnum": "referrals.choices.StepKind",
        "StepResultEnum": "referrals.choices.StepResult",
        "InvestigationOutcomeEnum": "referrals.models.InvestigationOutcome",
        "ClaimOutcomeEnum": "victims.models.PaternityClaim.Outcome",
    },
}
