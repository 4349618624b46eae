from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("patients/<id:patient_id>/sharing/", views.manage, name="manage"),
    path("patients/<id:patient_id>/sharing/access/<id:pk>/revoke/", views.revoke, name="revoke"),
    path(
        "patients/<id:patient_id>/sharing/invitations/<id:pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("patients/<id:patient_id>/sharing/leave/", views.leave, name="leave"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", views.invitation_accept, name="invitation_accept"),
    path("roster/", views.roster, name="roster"),
]
