"""The one settings module. Every setting comes from an environment variable (see README "Settings")."""

from pathlib import Path

import dj_database_url

from .env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(envstr("MEDIAGOV_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("MEDIAGOV_DEBUG", True)
SECRET_KEY = envstr("MEDIAGOV_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
# Fernet key(s) for secrets at rest (webhook URLs, AppSecrets); derived from SECRET_KEY when empty.
MEDIAGOV_FIELD_KEY = envstr("MEDIAGOV_FIELD_KEY", "")
# The site's address, for full links in e-mails and robot messages (e.g. https://mediagov.example.edu.cn).
MEDIAGOV_BASE_URL = envstr("MEDIAGOV_BASE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = envlist("MEDIAGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("MEDIAGOV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mediagov.core",
    "mediagov.workdays",
    "mediagov.org",
    "mediagov.policy",
    "mediagov.registry",
    "mediagov.activity",
    "mediagov.imports",
    "mediagov.compliance",
    "mediagov.notifications",
    "mediagov.connectors",
    "mediagov.dashboard",
    "mediagov.public",
    "mediagov.screening",
    "mediagov.api",
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
    "simple_history.middleware.HistoryRequestMiddleware",
    "mediagov.core.middleware.RequestContextMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mediagov.urls"
WSGI_APPLICATION = "mediagov.wsgi.application"

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
                "mediagov.core.context_processors.mediagov",
                "mediagov.notifications.context_processors.notifications",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'mediagov.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(envstr("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Uploads: ledgers and rosters can be large; reject anything above this many bytes.
MEDIAGOV_MAX_UPLOAD_BYTES = envint("MEDIAGOV_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MEDIAGOV_MAX_UPLOAD_BYTES
# Import runs (mediagov.imports): uploaded files are kept here (never served) and may be this large.
MEDIAGOV_IMPORT_DIR = Path(envstr("MEDIAGOV_IMPORT_DIR", str(VAR_DIR / "imports")))
MEDIAGOV_IMPORT_MAX_BYTES = envint("MEDIAGOV_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail (reminders). SMTP when MEDIAGOV_EMAIL_HOST is set, else the console.
EMAIL_HOST = envstr("MEDIAGOV_EMAIL_HOST", "")
EMAIL_PORT = envint("MEDIAGOV_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("MEDIAGOV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("MEDIAGOV_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("MEDIAGOV_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = envstr("MEDIAGOV_EMAIL_FROM", "mediagov@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Celery: an embedded filesystem broker by default (no server); Redis in production.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Feeds and platform connectors (docs/connectors.md): the WeChat API's address (a proxy or a test server may
# stand in), seconds between two runs of one source, the beat's tick over which due runs are spread, the
# longest back-off after errors, and the HTTP timeout.
MEDIAGOV_WECHAT_API_BASE = envstr("MEDIAGOV_WECHAT_API_BASE", "https://api.weixin.qq.com")
MEDIAGOV_CONNECTOR_INTERVAL = envint("MEDIAGOV_CONNECTOR_INTERVAL", 3600)
MEDIAGOV_CONNECTOR_TICK = envint("MEDIAGOV_CONNECTOR_TICK", 300)
MEDIAGOV_CONNECTOR_BACKOFF_MAX = envint("MEDIAGOV_CONNECTOR_BACKOFF_MAX", 6 * 3600)
MEDIAGOV_CONNECTOR_TIMEOUT = envint("MEDIAGOV_CONNECTOR_TIMEOUT", 20)
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("in", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

# Public directory and verification (mediagov.public, no login): requests per client address, as
# "<n>/<sec|min|hour|day>" for the API and for the pages; empty for no limit. Counted in the default cache
# (Django's local-memory cache unless CACHES is configured).
MEDIAGOV_PUBLIC_API_RATE = envstr("MEDIAGOV_PUBLIC_API_RATE", "60/min")
MEDIAGOV_PUBLIC_PAGE_RATE = envstr("MEDIAGOV_PUBLIC_PAGE_RATE", "60/min")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "mediagov API",
    "DESCRIPTION": "新媒体备案与监管平台 API",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FilingStateEnum": "mediagov.registry.models.FilingState",
        "FindingStateEnum": "mediagov.compliance.models.FindingState",
        "SanctionStateEnum": "mediagov.compliance.models.SanctionState",
        "ReportStateEnum": "mediagov.activity.models.ReportState",
        "ReviewStateEnum": "mediagov.screening.models.ReviewState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("MEDIAGOV_LOG_LEVEL", "WARNING")},
}

from celery.schedules import crontab  # noqa: E402  (only the beat schedule needs it)

CELERY_BEAT_SCHEDULE = {
    "filing-deadlines-refresh": {"task": "registry.filing_deadlines_refresh", "schedule": 6 * 3600},
    # Reminders at 08:00 Beijing time (CELERY_TIMEZONE); outside deliveries (e-mail, robots) every minute.
    "notifications-reminders": {"task": "notifications.reminders_run", "schedule": crontab(hour=8, minute=0)},
    "notifications-deliveries": {"task": "notifications.deliveries_send", "schedule": 60.0},
    # The daily compliance scan of every institution at 06:00 Beijing time, before the reminders.
    "compliance-scan": {"task": "compliance.scan_all", "schedule": crontab(hour=6, minute=0)},
    # Monthly reports (月报表) for the month just ended, prefilled on the 1st at 07:00 Beijing time.
    "reports-prefill": {
        "task": "activity.reports_prefill",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
    # Feeds and connectors: every tick, the due sources are enqueued, spread over the tick.
    "connectors-run-due": {"task": "connectors.run_due", "schedule": float(MEDIAGOV_CONNECTOR_TICK)},
}
