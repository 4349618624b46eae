from django.urls import include, path, register_converter

from hemolog.accounts.language import javascript_catalogue
from hemolog.core.converters import IdConverter
from hemolog.core.health import health
from hemolog.home import pwa
from hemolog.home import views as home_views

register_converter(IdConverter, "id")

handler400 = "hemolog.core.errors.bad_request"
handler500 = "hemolog.core.errors.server_error"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz/", health, name="health"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("jsi18n/<str:code>.js", javascript_catalogue, name="javascript_catalogue"),
    path("accounts/", include("hemolog.accounts.urls")),
    path("patients/", include("hemolog.patients.urls")),
    path("patients/<id:patient_id>/", include("hemolog.logbook.urls")),
    path("patients/<id:patient_id>/", include("hemolog.inventory.urls")),
    path("patients/<id:patient_id>/", include("hemolog.insights.urls")),
    path("", include("hemolog.sharing.urls")),
    path("", include("hemolog.exports.urls")),
    path("", include("hemolog.background.urls")),
    path("", include("hemolog.reminders.urls")),
]
