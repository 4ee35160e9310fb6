"""Settings for carecoord, read from environment variables.

Development defaults need nothing: an SQLite file under ``var/``, eager
background tasks, console email. Production (``DJANGO_DEBUG=0``) refuses to
start without a real secret key and allowed hosts.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CARECOORD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "development-only-key-never-used-in-production-0123456789abcdef"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("development-only"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters when DJANGO_DEBUG=0."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "auditlog",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "carecoord",
    "accounts",
    "audit",
    "cases",
    "referrals",
    "screening",
    "portal",
    "supervision",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Browser protections on every response, static files included (see "Browser protections" below).
    "csp.middleware.CSPMiddleware",
    "carecoord.middleware.PermissionsPolicyMiddleware",
    "carecoord.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs request.user; static files never reach it (whitenoise answers them above), so they stay cacheable.
    "carecoord.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccountsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps a user's reads on the primary database for a while after their change (with a replica).
    "carecoord.replica.ReplicaPinMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages (a timed-out session says why) and htmx (fragments are redirected whole).
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # After sign-in and session limits: every signed-in request, refused ones included, is logged.
    "audit.middleware.AccessLogMiddleware",
    # Inside the access log, which marks what an emergency grant allowed.
    "cases.middleware.EmergencyAccessMiddleware",
    # Last, so it sees the sign-in that the view refused and answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carecoord.urls"
WSGI_APPLICATION = "carecoord.wsgi.application"
ASGI_APPLICATION = "carecoord.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "accounts.context_processors.session_timeout",
                "cases.context_processors.emergency_access",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'carecoord.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL's JIT compiler, on by default in PostgreSQL, compiles every plan whose cost estimate passes
# jit_above_cost; the app's queries are short and indexed, and compiling costs them more than it saves
# (docs/PERFORMANCE.md), so the app's connections turn it off unless CARECOORD_DATABASE_JIT=1.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "CARECOORD_DATABASE_JIT", False
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A PostgreSQL replica (streaming replication) for the supervisors' figures: the overview, the
# reports and the CSV downloads read from it; everything else, and every write, uses the primary
# (carecoord.replica). After a user's change their reads stay on the primary for
# CARECOORD_REPLICA_PIN_SECONDS, longer than the replica normally lags.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
CARECOORD_REPLICA_READS = "replica" in DATABASES
CARECOORD_REPLICA_PIN_SECONDS = int(os.environ.get("CARECOORD_REPLICA_PIN_SECONDS", "30"))
DATABASE_ROUTERS = ["carecoord.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Axes counts failed sign-ins before any password is checked (it must come first).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Argon2 first: new passwords are hashed with it, and older hashes are rehashed at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Staff passwords are at least CARECOORD_STAFF_PASSWORD_MIN_LENGTH long, family passwords Django's 8.
CARECOORD_STAFF_PASSWORD_MIN_LENGTH = int(os.environ.get("CARECOORD_STAFF_PASSWORD_MIN_LENGTH", "12"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.RoleMinimumLengthValidator",
        "OPTIONS": {"staff_min_length": CARECOORD_STAFF_PASSWORD_MIN_LENGTH, "family_min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Spanish, the center's time zone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CARECOORD_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Cache and task broker: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database; with Redis they are also cached there (read from Redis, written to
# both), so a page does not query its session, and every app server behind the proxy shares them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (`celery -A carecoord beat`, or `worker -B`): the follow-up rules every hour (seconds).
CELERY_BEAT_SCHEDULE = {
    "follow-up-rules": {
        "task": "referrals.tasks.run_follow_up_rules",
        "schedule": 60 * 60,
    },
    # Appointment reminder emails to families, two days ahead (portal).
    "appointment-reminders": {
        "task": "portal.tasks.send_appointment_reminders",
        "schedule": 60 * 60,
    },
    # The outcome reports' likely figures, made ahead for the report page (supervision.precompute).
    "report-figures": {
        "task": "supervision.tasks.precompute_reports",
        "schedule": 60 * 60,
    },
    # Other directories' HSDS APIs (referrals.HSDSSource): what changed, each night at 2:30.
    "hsds-sources": {
        "task": "referrals.tasks.import_hsds_sources",
        "schedule": crontab(hour=2, minute=30),
    },
    # The staff inbox's daily digest emails, each morning at 7:00 in TIME_ZONE (notifications).
    "notification-digests": {
        "task": "notifications.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Email: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "carecoord <no-reply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit: django-auditlog records changes and reads of a family's records.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Sessions: staff are signed out after CARECOORD_STAFF_IDLE_MINUTES without a request, family users
# after CARECOORD_FAMILY_IDLE_MINUTES, everyone CARECOORD_SESSION_MAX_HOURS after signing in; a dialog
# warns CARECOORD_IDLE_WARNING_SECONDS before the idle limit (accounts.middleware.SessionLimitsMiddleware).
CARECOORD_STAFF_IDLE_MINUTES = int(os.environ.get("CARECOORD_STAFF_IDLE_MINUTES", "15"))
CARECOORD_FAMILY_IDLE_MINUTES = int(os.environ.get("CARECOORD_FAMILY_IDLE_MINUTES", "30"))
CARECOORD_SESSION_MAX_HOURS = int(os.environ.get("CARECOORD_SESSION_MAX_HOURS", "12"))
# Emergency ("break-glass") access to a case outside one's teams lasts this long (cases.emergency).
CARECOORD_EMERGENCY_ACCESS_HOURS = int(os.environ.get("CARECOORD_EMERGENCY_ACCESS_HOURS", "4"))
CARECOORD_IDLE_WARNING_SECONDS = int(os.environ.get("CARECOORD_IDLE_WARNING_SECONDS", "60"))
SESSION_COOKIE_AGE = CARECOORD_SESSION_MAX_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax, not Strict: a coordinator who opens a case from a reminder email arrives signed in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The language choice holds nothing secret, but is sent like the others: never read by scripts.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Browser protections (docs/SECURITY.md, "Browser protections"). Every response carries:
# - Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only, and
#   no inline script, inline style or event-handler attribute, so markup slipped into a page (a
#   family's name, a note) cannot run. img-src allows data: for Bootstrap's own icons (the select
#   arrow, the close button, the menu button), which its stylesheet draws as data: SVG images;
#   the two-factor QR code is inline SVG and needs nothing. No 'unsafe-*' keyword, no nonce.
#   The Django admin works under it unchanged (its scripts are files; a browser test visits it), as
#   long as no ModelAdmin turns off both action bars: its list page then writes a <style> element.
# - Permissions-Policy: no camera, microphone, location, payment or USB (carecoord.middleware).
# - Cache-Control: no-store, private on every page a signed-in user sees (carecoord.middleware) and on
#   every page reached through a secret link (their views say so), so a shared workstation keeps no copy.
# - X-Frame-Options, Referrer-Policy, nosniff (Django's SecurityMiddleware and clickjacking
#   middleware), and HSTS plus secure cookies in production below.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Sign-in lockout (django-axes). A username is locked out from one address after
# CARECOORD_LOGIN_FAILURE_LIMIT failures, so nobody can lock another person out from elsewhere; one
# address is locked out for every username after CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT failures
# (0 turns that off). Both last CARECOORD_LOGIN_COOLOFF_MINUTES after the latest failure.
CARECOORD_LOGIN_FAILURE_LIMIT = int(os.environ.get("CARECOORD_LOGIN_FAILURE_LIMIT", "5"))
CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
CARECOORD_LOGIN_COOLOFF_MINUTES = int(os.environ.get("CARECOORD_LOGIN_COOLOFF_MINUTES", "15"))
# How many reverse proxies in front of the app add to X-Forwarded-For: 0 (the default) trusts no
# header and takes the connection's address; 1 for gunicorn behind one nginx or load balancer.
CARECOORD_TRUSTED_PROXY_COUNT = int(os.environ.get("CARECOORD_TRUSTED_PROXY_COUNT", "0"))
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = CARECOORD_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=CARECOORD_LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): every staff user enrols an authenticator app when this is on
# (by default in production); staff who enrolled anyway always verify. Family users never do.
CARECOORD_REQUIRE_2FA = env_bool("CARECOORD_REQUIRE_2FA", not DEBUG)
CARECOORD_RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = os.environ.get("CARECOORD_CENTER_NAME", "carecoord")
# The admin pages never show a device's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Domain settings.
CARECOORD_CENTER_NAME = os.environ.get("CARECOORD_CENTER_NAME", "carecoord")
CARECOORD_TRANSITION_AGE = 17
# Days a receiving organization's signed referral link stays valid.
REFERRAL_LINK_MAX_AGE_DAYS = int(os.environ.get("REFERRAL_LINK_MAX_AGE_DAYS", "30"))
# Days a caregiver's portal invitation link stays valid.
PORTAL_INVITATION_DAYS = int(os.environ.get("PORTAL_INVITATION_DAYS", "7"))

# The key the family portal's calendar addresses are derived with (an HMAC of a random value kept per
# address in the database); empty: a key derived from SECRET_KEY. Changing it, or SECRET_KEY while it
# is empty, gives every caregiver a new calendar address (docs/SECURITY.md, "Calendar-feed addresses").
CARECOORD_CALENDAR_FEED_KEY = os.environ.get("CARECOORD_CALENDAR_FEED_KEY", "")
if not DEBUG and CARECOORD_CALENDAR_FEED_KEY and len(CARECOORD_CALENDAR_FEED_KEY) < 50:
    raise ImproperlyConfigured(
        "CARECOORD_CALENDAR_FEED_KEY must be a random string of at least 50 characters when it is set."
    )

# The HSDS 3.0 API at /hsds/ (docs/directory.md): "public" (anyone may read the directory), "token"
# (only with "Authorization: Bearer <token>", one of CARECOORD_HSDS_API_TOKENS) or "off" (404).
CARECOORD_HSDS_API = os.environ.get("CARECOORD_HSDS_API", "token")
if CARECOORD_HSDS_API not in {"public", "token", "off"}:
    raise ImproperlyConfigured("CARECOORD_HSDS_API must be public, token or off.")
CARECOORD_HSDS_API_TOKENS = env_list("CARECOORD_HSDS_API_TOKENS")
if not DEBUG and any(len(token) < 32 for token in CARECOORD_HSDS_API_TOKENS):
    raise ImproperlyConfigured("Each of CARECOORD_HSDS_API_TOKENS must be at least 32 random characters.")

# The site's address, for links in messages sent without a request (appointment reminders).
CARECOORD_SITE_URL = os.environ.get("CARECOORD_SITE_URL", "http://127.0.0.1:8000")
# Business days of referral deadlines skip weekends and the public holidays of this
# country (ISO 3166 code) and, when set, state or province (the `holidays` library's subdivision code).
CARECOORD_HOLIDAY_COUNTRY = os.environ.get("CARECOORD_HOLIDAY_COUNTRY", "US")
CARECOORD_HOLIDAY_STATE = os.environ.get("CARECOORD_HOLIDAY_STATE", "NY") or None
