"""Django settings for influxpy's Django tests (see conftest.py)."""

SECRET_KEY = 'influxpy-tests-only'
USE_TZ = True
TIME_ZONE = 'UTC'
INSTALLED_APPS = [
    'django.contrib.contenttypes',
    'django.contrib.auth',
    'influxpy.contrib.django',
    'tests.django.testapp',
]
DATABASES = {
    'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'},
    # Filled in by the conftest with a throwaway PostgreSQL cluster (or DATABASE_URL).
    'pg': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'influxpy',
           'HOST': '127.0.0.1', 'PORT': '0', 'USER': 'influxpy', 'PASSWORD': ''},
}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
ROOT_URLCONF = 'tests.django.urls'
INFLUXPY: dict[str, dict[str, object]] = {}
