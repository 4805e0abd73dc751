"""Django's admin alone, for the admin tests (``@override_settings(ROOT_URLCONF=…)``)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path('admin/', admin.site.urls)]
