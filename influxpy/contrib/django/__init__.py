"""influxpy's Django app: settings, reading storages, management commands, system checks.

Add ``'influxpy.contrib.django'`` to ``INSTALLED_APPS``; configure connections in
``INFLUXPY`` and the reading storage in ``INFLUXPY_STORAGE``::

    INFLUXPY = {'default': {'URL': 'influxdb://localhost:8086/metrics'}}
    INFLUXPY_STORAGE = {
        'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
        'OPTIONS': {'model': 'influxpy.Reading'},
    }

Nothing touches the network at import time or when the app is loaded.
"""
