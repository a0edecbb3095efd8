"""Tanhui settings: one module, driven by environment variables.

The defaults are the embedded profile used by `make demo` (SpatiaLite file,
Celery tasks run in-process, no service needed). Production and the test
suite set DATABASE_URL to PostGIS and REDIS_URL to Redis. Every variable is
listed in `.env.example` and the README.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import (
    INSECURE_DEV_SECRET_KEY,
    check_production_safety,
    env_bool,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TANHUI_VAR_DIR", str(BASE_DIR / "var")))

TANHUI_ENV = env_str("TANHUI_ENV", "development")
PRODUCTION = TANHUI_ENV == "production"

SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else INSECURE_DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The address printed on statements (QR code and verification link).
TANHUI_SITE_URL = env_str("TANHUI_SITE_URL", "http://127.0.0.1:8000")

check_production_safety(
    environment=TANHUI_ENV, secret_key=SECRET_KEY, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "config.vendor_apps.AuthConfig",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "config.vendor_apps.AxesConfig",
    "config.vendor_apps.AuditConfig",
    "django_otp",
    "config.vendor_apps.TOTPConfig",
    "formats",
    "pilots",
    "compensation",
    "ledger",
    "portal",
    "api",
    "supervision",
    "disclosure",
    "passthrough",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET response, and 304 Not Modified for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.auditing.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# Audit trail (django-auditlog): every create, change and delete of these models, with
# the user, time and before/after values. Bulk imports are recorded as import batches.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "pilots.pilotprogramme",
    "pilots.pilotmembership",
    "pilots.planningversion",
    "pilots.zone",
    "compensation.methodology",
    "compensation.methodologyversion",
    "compensation.sinkcoefficient",
    "compensation.carbonmarket",
    "compensation.carbonprice",
    "compensation.emissioninventory",
    "compensation.verticalparameters",
    "compensation.subsidytier",
    "compensation.regionfiscaldata",
    "compensation.assessmentrule",
    "compensation.ecologicalindex",
    "compensation.agreement",
    "compensation.agreementparty",
    "compensation.agreementround",
    "compensation.indexweight",
    "compensation.monitoringrecord",
    "compensation.creditproject",
    "compensation.creditholder",
    {
        "model": "compensation.settlementrun",
        "exclude_fields": ["summary", "chunks_done", "chunks_total"],
    },
    "compensation.runtransition",
    "compensation.sinkverification",
    # Auditors read the trail; a recipient's personal details stay masked in it.
    {"model": "passthrough.recipient", "mask_fields": ["holder_name", "bank_account"]},
    "passthrough.suballocationplan",
)

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Database: PostGIS is the system of record; SpatiaLite is the embedded demo default.
DEFAULT_DATABASE_URL = f"spatialite:///{VAR_DIR / 'tanhui.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    # Take the write lock at BEGIN: concurrent writers queue instead of failing on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache and (by default) Celery broker. Unset means the embedded profile.
# The public pages (/public/): requests per client address, and how long anyone may cache a read.
PUBLIC_RATE_LIMIT = env_str("PUBLIC_RATE_LIMIT", "120/minute")
PUBLIC_CACHE_SECONDS = int(env_str("PUBLIC_CACHE_SECONDS", "300"))

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
# Without a real broker there is no worker to run tasks: run them in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(env_str("CELERY_TASK_TIME_LIMIT", "1800"))
CELERY_TASK_SOFT_TIME_LIMIT = int(env_str("CELERY_TASK_SOFT_TIME_LIMIT", "1500"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task (its worker died) is delivered again after this many seconds;
# keep it above CELERY_TASK_TIME_LIMIT so a slow task is never run twice at once.
# Workers look for such tasks every CELERY_UNACKED_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env_str("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(env_str("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": 1,
}
# Settlement: regions (vertical) or agreements (horizontal) per calculation chunk,
# and retries of a chunk on database errors.
SETTLEMENT_CHUNK_SIZE = int(env_str("SETTLEMENT_CHUNK_SIZE", "250"))
SETTLEMENT_TASK_MAX_RETRIES = int(env_str("SETTLEMENT_TASK_MAX_RETRIES", "5"))
# Statements per render task: one broker message per statement made posting wait on
# thousands of round trips.
STATEMENT_RENDER_BATCH = int(env_str("STATEMENT_RENDER_BATCH", "25"))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Fixed schedules; beat copies them into the database beside the per-pilot settlements.
# Work whose tasks were lost on the way to a worker is queued again once it has made no
# progress for STALLED_AFTER seconds: a calculation's pending chunks, a posted run's
# pending statements.
STALLED_AFTER = int(env_str("STALLED_AFTER", "600"))
CELERY_BEAT_SCHEDULE = {
    "sweep stalled work": {"task": "compensation.sweep_stalled", "schedule": 300.0},
}
# Background work: a national valuation queues supervision of each of its regions
# (2,844 tasks), which must not hold up a settlement calculated after it. Redis serves
# priority 0 (every other task's) before 9: workers take these when nothing else waits.
CELERY_TASK_ROUTES = {"supervision.supervise_region": {"priority": 9}}
CELERY_TIMEZONE = "Asia/Shanghai"

# Argon2 first; the others only verify hashes made before it and upgrade them on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendored front-end assets (offline)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

LOGIN_URL = "admin:login"

# Debian 12 ships GDAL 3.6, which cannot block file and network access while
# parsing spatial references. Tanhui never hands GDAL a user-supplied SRS
# string: imports accept only whitelisted EPSG codes (docs/decisions).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Hardening that only makes sense behind HTTPS, i.e. in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# An official's session lasts a working day and ends with the browser.
SESSION_COOKIE_AGE = int(env_str("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are HTTPS-only, host-only and path=/: no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the health endpoint over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Two-factor sign-in (config/twofactor.py): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Tanhui")
# Officials enrol on their own page; the admin never shows a device's secret or QR code
# (its pages for them answered 500 for an unknown device, before asking who is asking).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Alert notifications (supervision). Outside production they are written to files in
# EMAIL_FILE_PATH (one .log file per connection), never sent.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tanhui@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step of every PDF at INFO, Celery every task that
    # succeeded; their warnings and failures still show.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}


# REST API: session for browsers, revocable tokens for systems; the UI's permissions.
REST_FRAMEWORK = {
    # Token first, so an unauthenticated request gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RoleModelPermissions"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.problem_details",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Writes are limited per user and per client address; reads are not (api/throttles.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.WriteUserThrottle",
        "api.throttles.WriteAddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "write-user": env_str("API_THROTTLE_WRITE_USER", "120/min"),
        "write-ip": env_str("API_THROTTLE_WRITE_IP", "600/min"),
        "auth-user": env_str("API_THROTTLE_AUTH_USER", "10/min"),
        "auth-ip": env_str("API_THROTTLE_AUTH_IP", "30/min"),
    },
    # Proxies in front of the app whose X-Forwarded-For is trusted; 0 uses the peer address.
    "NUM_PROXIES": int(env_str("API_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tanhui API",
    "DESCRIPTION": "Ecological compensation ledger and settlement (碳汇补偿).",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored assets: the docs work offline
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_INCLUDE_SCHEMA": False,  # the schema describes the API, not the schema's own download
}
