from django.urls import path

from . import views

app_name = "logbook"

urlpatterns = [
    path("bleeds/", views.bleed_list, name="bleed_list"),
    path("bleeds/new/", views.bleed_create, name="bleed_create"),
    path("bleeds/<int:pk>/edit/", views.bleed_edit, name="bleed_edit"),
    path("bleeds/<int:pk>/resolve/", views.bleed_resolve, name="bleed_resolve"),
    path("bleeds/<int:pk>/delete/", views.bleed_delete, name="bleed_delete"),
    path("infusions/", views.infusion_list, name="infusion_list"),
    path("infusions/new/", views.infusion_create, name="infusion_create"),
    path("infusions/<int:pk>/edit/", views.infusion_edit, name="infusion_edit"),
    path("infusions/<int:pk>/delete/", views.infusion_delete, name="infusion_delete"),
    path("regimens/", views.regimen_list, name="regimen_list"),
    path("regimens/new/", views.regimen_create, name="regimen_create"),
    path("regimens/<int:pk>/edit/", views.regimen_edit, name="regimen_edit"),
    path("regimens/<int:pk>/delete/", views.regimen_delete, name="regimen_delete"),
]
