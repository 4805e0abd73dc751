"""``path('api/', include('influxpy.contrib.django.api.urls'))``: works at any prefix."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .openapi import OfflineDocs

app_name = 'influxpy-api'

urlpatterns = [
    path('', views.RootView.as_view(), name='root'),
    path('measurements/', views.MeasurementsView.as_view(), name='measurements'),
    path('measurements/<str:name>/', views.MeasurementView.as_view(), name='measurement'),
    path('measurements/<str:name>/series/', views.SeriesView.as_view(), name='series'),
    path('measurements/<str:name>/points/', views.PointsView.as_view(), name='points'),
    path('schema/', SpectacularAPIView.as_view(), name='schema'),
    path('docs/', OfflineDocs.as_view(url_name='influxpy-api:schema'), name='docs'),
]
