from django.urls import path, re_path

from . import views

app_name = "reminders"

urlpatterns = [
    path("accounts/reminders/", views.reminders, name="settings"),
    path("accounts/reminders/push/", views.push_subscribe, name="push"),
    path("reminders/stop-emails/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", views.calendar, name="calendar"),
]
