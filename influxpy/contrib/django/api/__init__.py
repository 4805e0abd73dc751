"""An HTTP API for series and their points, in Django REST framework.

``path('api/', include('influxpy.contrib.django.api.urls'))`` in a project's URLconf.
It exposes the influxpy measurements of ``INFLUXPY_API['MEASUREMENTS']`` (default: those
of the installed apps) and the configured storage's readings, each as a *source*
(sources/), filtered by the user's series permissions (permissions.py).
"""
