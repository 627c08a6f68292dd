"""Settings, read from the environment in this one place.

Every variable is documented in README.md and `.env.example`. Development
defaults are only used when DEBUG is on; in production a missing secret or
host list stops the process at start-up with a message saying what to set.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name: str, dev_default: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} is not set. It is required when DEBUG is off (production); "
        f"set it in the environment or in .env (see .env.example)."
    )


SECRET_KEY = _required_in_production(
    "SECRET_KEY", "dev-only-insecure-key-never-used-with-debug-off-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty. Set it to the site's host names, comma separated."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page in the site's layout and language (apps/core/errors.py).
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # Its widget templates, found through TEMPLATES so templates/django/forms/ can override them.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sign-in with SURFconext (issue 13): allauth's social accounts and its OpenID Connect
    # provider. The provider is configured from SURFCONEXT_* below; without them there is no
    # button and its URLs answer 404.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "django_celery_beat",
    "django_htmx",
    "apps.taxonomy",
    "apps.accounts",
    "apps.hubs",
    "apps.organisations",
    "apps.challenges",
    "apps.matching",
    "apps.communities",
    "apps.knowledge",
    "apps.notifications",
    "apps.audit",
    "apps.insights",
    "apps.portal",
    "apps.semantics",
    "apps.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication, messages and allauth: staff reach the admin only with a second factor.
    "apps.accounts.middleware.AdminSecondFactorMiddleware",
    # A coordinator's regional reach counts only once the login included the second factor.
    "apps.accounts.middleware.CoordinatorReachMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.data_version.DataVersionPerRequestMiddleware",
]

# Form widgets, labels and error lists render through TEMPLATES, so templates/django/forms/ gives
# them the NL Design System's component classes (textbox, select, form-label, error message).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "learningcommunities.urls"
WSGI_APPLICATION = "learningcommunities.wsgi.application"

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
                "apps.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Data stores ----------------------------------------------------------------------------
DATABASE_URL = env.str(
    "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/learningcommunities"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
# A unix socket directory as host (`postgres://user@%2Fpath%2Fto%2Fdir/db`, what the embedded
# server gives): django-environ lowercases it and leaves it quoted, so take it from the URL.
_netloc = urlsplit(DATABASE_URL).netloc.rsplit("@", 1)[-1]
if _netloc.lower().startswith("%2f"):
    DATABASES["default"]["HOST"] = unquote(_netloc)
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Celery's prefork pool closes connections after tasks (celery/celery#10554): check before reuse.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="lc"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Shared results of the public pages (facet counts, "For you" candidates) are cached under
# the data version (apps.core.data_version), which any write advances; this bounds how long
# an entry written in the instant before a writer's commit can stay.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# The insights pages' shared figures are counted again in the background once this old
# (apps.insights.selectors.shared_figures): an accepted match shows at most twice this later.
INSIGHTS_CACHE_SECONDS = env.int("INSIGHTS_CACHE_SECONDS", default=60)
# Search by meaning needs the embedding model (about a second to load) and the stored vectors
# (one to two seconds per 100 000) in each web process. With this on, a process loads them in a
# background thread (gunicorn starts that as each worker boots) and its searches are full text
# only until they are there, so no page waits. Off, the first search loads them itself.
SEMANTICS_LOAD_IN_BACKGROUND = env.bool("SEMANTICS_LOAD_IN_BACKGROUND", default=True)
# Off: the directories search full text and labels only, and web processes never load the
# model or vectors (saves about 116 MB plus 100 MB per 100 000 texts per process).
SEARCH_BY_MEANING = env.bool("SEARCH_BY_MEANING", default=True)
# Off: no text is embedded (nothing sent to the workers, nothing swept); search and matching
# by meaning then have no vectors and work by words.
EMBEDDINGS_ENABLED = env.bool("EMBEDDINGS_ENABLED", default=True)
# Off: the matcher compares texts by their words only (tf-idf), as before meaning existed.
MATCHING_BY_MEANING = env.bool("MATCHING_BY_MEANING", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Accounts (django-allauth 65) -----------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.SignupForm"
# Sends a new signup to the "get started" page (create or find your organisation).
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AI Learning Communities] "
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: ten a minute per IP, and five in five minutes per address *and* IP (the
    # adapter makes the key of both, so nobody can lock an owner out by guessing); on top, a
    # progressive delay per address across IPs. Over a limit is a 429 page. See
    # apps/accounts/login_limits.py.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The name people see next to the codes in their authenticator app.
MFA_TOTP_ISSUER = "AI Learning Communities"
# Accept the code of the previous or next 30 s step too (RFC 6238's advice for clock drift and
# transit): a code typed in the last seconds of its step is not refused on arrival.
MFA_TOTP_TOLERANCE = 1
# --- Sign-in with SURFconext (OpenID Connect, issue 13) ---------------------------------------
# The issuer is SURFconext's (https://connect.surfconext.nl, or connect.test.surfconext.nl for
# the test environment); discovery is at <issuer>/.well-known/openid-configuration. All three
# are set or none (then the button is hidden). See README.md for the registration.
SURFCONEXT_ISSUER = env.str("SURFCONEXT_ISSUER", default="").rstrip("/")
SURFCONEXT_CLIENT_ID = env.str("SURFCONEXT_CLIENT_ID", default="")
SURFCONEXT_CLIENT_SECRET = env.str("SURFCONEXT_CLIENT_SECRET", default="")
_surfconext = [SURFCONEXT_ISSUER, SURFCONEXT_CLIENT_ID, SURFCONEXT_CLIENT_SECRET]
if any(_surfconext) and not all(_surfconext):
    raise ImproperlyConfigured(
        "SURFconext sign-in needs SURFCONEXT_ISSUER, SURFCONEXT_CLIENT_ID and "
        "SURFCONEXT_CLIENT_SECRET together; set all three or none."
    )
if SURFCONEXT_ISSUER and urlsplit(SURFCONEXT_ISSUER).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(
        f"SURFCONEXT_ISSUER {SURFCONEXT_ISSUER!r} is not a web address, e.g. "
        "https://connect.surfconext.nl"
    )


def surfconext_app(*, issuer: str, client_id: str, secret: str) -> dict:
    """The allauth app for SURFconext: PKCE on, the user info fetched (SURFconext releases
    schac_home_organization there, as the service's attribute release policy says)."""
    return {
        "provider_id": "surfconext",
        "name": "SURFconext",
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": True,
            "scope": ["openid", "email", "profile"],
        },
    }


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                surfconext_app(
                    issuer=SURFCONEXT_ISSUER,
                    client_id=SURFCONEXT_CLIENT_ID,
                    secret=SURFCONEXT_CLIENT_SECRET,
                )
            ]
            if SURFCONEXT_ISSUER
            else []
        ),
    }
}
# Adds a nonce and the ID token's signature check to allauth's OpenID Connect, trusts an email
# only when the provider says it is verified, and links to an existing account only after its
# password (apps/accounts/social.py).
SOCIALACCOUNT_ADAPTER = "apps.accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Never connect to an existing account by email alone (the adapter asks for its password).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# The sign-in starts with a form sent by POST (the button), never by a link a page could embed.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Unused tokens are not kept: the platform only needs who signed in.
SOCIALACCOUNT_STORE_TOKENS = False
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# --- Internationalisation: Dutch first, English too ----------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# The project's catalogue (`make messages` refreshes it), then the Dutch of the libraries we
# override: allauth says "u" where the site says "je", and Django's admin lacks a few strings.
# Both beat the libraries' own catalogues; makemessages only writes the first.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Files that communities attach to knowledge items; the type is checked by content too.
KNOWLEDGE_UPLOAD_MAX_BYTES = env.int("KNOWLEDGE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# The largest CSV file an import takes, in the admin and on the command line alike.
CSV_IMPORT_MAX_BYTES = env.int("CSV_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Shown on the privacy page as the address for questions and requests about personal data.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="")
# Where the accessibility statement sends feedback; without one, to the regional AI hubs.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
# For `filemail://` (what `make run` uses): the folder each email is written to as a file.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="AI Learning Communities <noreply@localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Emails (sent from workers, outside any request) link back with absolute URLs built from this.
# In production it defaults to https:// and the first host name in ALLOWED_HOSTS.
SITE_URL = (
    env.str("SITE_URL", default="")
    or ("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
).rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or "*" in SITE_URL:
    raise ImproperlyConfigured(
        f"SITE_URL {SITE_URL!r} is not a web address. Set it to the site's address as people "
        "reach it, e.g. https://aicommunities.example.nl"
    )

# --- Celery ---------------------------------------------------------------------------------
# kombu spells a Redis unix socket `redis+socket://`, redis-py `unix://`.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=REDIS_URL.replace("unix://", "redis+socket://", 1),
)
CELERY_RESULT_BACKEND = None
# One queue for all tasks; a second deployment sharing the broker (or a benchmark) takes
# another name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
# Durable intent, then delivery (apps/core/delivery.py): the work is a row in PostgreSQL
# before it is a message, so the broker only makes it fast. Messages are acknowledged after
# the task (a worker killed mid-task leaves its message unacked) and rejected back to the
# queue when a pool process dies; the tasks' claims make a second delivery harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacked message out again after the visibility timeout. It must outlast the
# longest task (the hard time limit) and every retry countdown, or a task still running is
# delivered twice. Recovery after a killed worker does not wait for it: a match chunk's lease
# (MATCHING_CHUNK_LEASE_SECONDS) expires and the sweep below takes it over within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    # A broker that does not answer must not hold a person's request for long.
    "socket_connect_timeout": 3,
}
# Publishing after a commit tries briefly; if the broker is down the sweep sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How often the sweep sends recorded work again that is still pending: never sent (broker
# down), or held by a worker whose lease expired. Runs from beat and when a worker starts.
DELIVERY_SWEEP_SECONDS = env.int("DELIVERY_SWEEP_SECONDS", default=60)
# Recorded work not picked up this long after it was sent counts as lost and is sent again.
DELIVERY_GRACE_SECONDS = env.int("DELIVERY_GRACE_SECONDS", default=120)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Entries here are copied into django-celery-beat's tables at start (editable in the admin).
CELERY_BEAT_SCHEDULE = {
    "delivery-sweep": {
        "task": "apps.core.tasks.redeliver_pending_work",
        "schedule": timedelta(seconds=DELIVERY_SWEEP_SECONDS),
    },
    "matching-full-recompute": {
        "task": "apps.matching.tasks.rematch_all",
        "schedule": crontab(hour=env.int("MATCHING_FULL_RECOMPUTE_HOUR", default=3), minute=15),
    },
    # In CELERY_TIMEZONE (Europe/Amsterdam): Monday morning, before the working week starts.
    "notifications-weekly-digest": {
        "task": "apps.notifications.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Published challenges without a community for CHALLENGE_STALE_AFTER_DAYS: remind once.
    "challenges-stale-reminders": {
        "task": "apps.challenges.tasks.remind_stale_challenges",
        "schedule": crontab(hour=8, minute=30),
    },
    # The API's stored answers for Idempotency-Key retries, once their 24 hours are over.
    "api-idempotency-purge": {
        "task": "apps.api.tasks.purge_idempotent_requests",
        "schedule": crontab(minute=45),
    },
}

# --- Matching -------------------------------------------------------------------------------
MATCHING_TOP_N = env.int("MATCHING_TOP_N", default=10)
# Challenges per chunk of a recompute; chunks are what workers share.
MATCHING_CHUNK_SIZE = env.int("MATCHING_CHUNK_SIZE", default=5000)
# A worker holds a claimed chunk for this long and renews the lease while it works (every
# third of it); a chunk whose lease expired (the worker was killed) is taken over.
MATCHING_CHUNK_LEASE_SECONDS = env.int("MATCHING_CHUNK_LEASE_SECONDS", default=60)
# A chunk taken over this many times ends its run as failed, with the reason.
MATCHING_CHUNK_MAX_ATTEMPTS = env.int("MATCHING_CHUNK_MAX_ATTEMPTS", default=5)
CELERY_TIMEZONE = TIME_ZONE

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The SURFconext button's form is answered with a redirect to the issuer, which
        # browsers check against form-action too.
        "form-action": ["'self'"]
        + (
            [f"{urlsplit(SURFCONEXT_ISSUER).scheme}://{urlsplit(SURFCONEXT_ISSUER).netloc}"]
            if SURFCONEXT_ISSUER
            else []
        ),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

SITE_NAME = "AI Learning Communities"

# --- Open API (issue 13): django-ninja under /api/v1/, CORS for its public reads ---------------
# Kept in one block: the app, the CORS and API middleware and their settings.
INSTALLED_APPS.insert(INSTALLED_APPS.index("apps.portal"), "apps.api")
INSTALLED_APPS.append("corsheaders")
# CORS answers before CommonMiddleware (so a preflight is never redirected); the API middleware
# after LocaleMiddleware, whose language it replaces by the one of Accept-Language for /api/.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
    "apps.api.middleware.ApiMiddleware",
)
# Only the public reads, from any site (a hub's website shows its challenges with one fetch):
# they are the same for everyone without a token, and no cookie is ever sent with them.
CORS_URLS_REGEX = (
    r"^/api/v1/(challenges|organisations|communities|hubs|knowledge-items|reference)(/.*)?$"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["API-Version", "Content-Language", "Retry-After"]
# Requests a fixed window (seconds) may hold, per client IP and per token; over it: 429.
# The OpenAPI document lists each facet parameter's current values (topics, provinces, ...)
# as an enum, read from the database; the in-suite contract test loads the document at
# collection, before there is a test database, and turns it off there.
API_OPENAPI_FACET_VALUES = True
API_RATE_LIMIT_WINDOW_SECONDS = env.int("API_RATE_LIMIT_WINDOW_SECONDS", default=60)
API_RATE_LIMIT_PER_IP = env.int("API_RATE_LIMIT_PER_IP", default=300)
API_RATE_LIMIT_PER_TOKEN = env.int("API_RATE_LIMIT_PER_TOKEN", default=600)
# How long a POST's answer is kept for a retry with the same Idempotency-Key.
API_IDEMPOTENCY_HOURS = 24
