"""Django settings for influxpy's Django tests (see conftest.py)."""

SECRET_KEY = 'influxpy-tests-only'
USE_TZ = True
TIME_ZONE = 'UTC'
INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.contenttypes',
    'django.contrib.auth',
    'django.contrib.sessions',
    'django.contrib.messages',
    'rest_framework',
    'rest_framework.authtoken',
    'drf_spectacular',
    'drf_spectacular_sidecar',
    'django.contrib.staticfiles',
    'influxpy.contrib.django',
    'tests.django.testapp',
]
MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
]
TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'APP_DIRS': True,
    'OPTIONS': {'context_processors': [
        'django.template.context_processors.request',
        'django.contrib.auth.context_processors.auth',
        'django.contrib.messages.context_processors.messages',
    ]},
}]
DATABASES = {
    'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'},
    # Filled in by the conftest with a throwaway PostgreSQL cluster (or DATABASE_URL).
    'pg': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'influxpy',
           'HOST': '127.0.0.1', 'PORT': '0', 'USER': 'influxpy', 'PASSWORD': ''},
}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
ROOT_URLCONF = 'tests.django.urls'
STATIC_URL = '/static/'
INFLUXPY: dict[str, dict[str, object]] = {}
REST_FRAMEWORK = {'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema'}
# Fast hashing: the API tests authenticate with basic auth on every request.
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']
