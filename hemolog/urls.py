from django.urls import include, path

from hemolog.accounts import views as account_views
from hemolog.patients import views as patient_views

urlpatterns = [
    path("", patient_views.home, name="home"),
    path("healthz/", account_views.health, name="health"),
    path("accounts/", include("hemolog.accounts.urls")),
    path("patients/", include("hemolog.patients.urls")),
    path("patients/<int:patient_id>/", include("hemolog.logbook.urls")),
    path("patients/<int:patient_id>/", include("hemolog.inventory.urls")),
]
