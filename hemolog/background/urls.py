from django.urls import path

from . import views

app_name = "background"

urlpatterns = [
    path("jobs/<str:token>/", views.job_status, name="job"),
    path("jobs/<str:token>/file", views.job_file, name="job_file"),
]
