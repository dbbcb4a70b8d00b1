"""Settings for the test suite: production settings with only what tests need changed."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-secret-key-not-used-anywhere-else-0123456789")

from actionplans.settings import *  # noqa: E402,F403

# Tests talk to the test client over plain HTTP and do not collect static files.
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TRACKER_AS_AT = None
# Tests do not run collectstatic: let WhiteNoise look files up as it does in development,
# instead of warning that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
AXES_VERBOSE = False  # its INFO lines on every sign-in would drown the test output
