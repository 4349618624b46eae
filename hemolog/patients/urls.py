from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("new/", views.patient_create, name="create"),
    path("<id:patient_id>/", views.patient_detail, name="detail"),
    path("<id:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<id:patient_id>/delete/", views.patient_delete, name="delete"),
    path("<id:patient_id>/weights/", views.weight_add, name="weight_add"),
    path("<id:patient_id>/weights/<id:pk>/delete/", views.weight_delete, name="weight_delete"),
]
