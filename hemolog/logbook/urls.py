from django.urls import path

from . import history_views, regimen_views, skips, undo, views

app_name = "logbook"

urlpatterns = [
    path("bleeds/", views.bleed_list, name="bleed_list"),
    path("bleeds/new/", views.bleed_create, name="bleed_create"),
    path("bleeds/<id:pk>/edit/", views.bleed_edit, name="bleed_edit"),
    path("bleeds/<id:pk>/resolve/", views.bleed_resolve, name="bleed_resolve"),
    path("bleeds/<id:pk>/delete/", views.bleed_delete, name="bleed_delete"),
    path("infusions/", views.infusion_list, name="infusion_list"),
    path("infusions/new/", views.infusion_create, name="infusion_create"),
    path("infusions/<id:pk>/edit/", views.infusion_edit, name="infusion_edit"),
    path("infusions/<id:pk>/delete/", views.infusion_delete, name="infusion_delete"),
    path("regimens/", regimen_views.regimen_list, name="regimen_list"),
    path("regimens/new/", regimen_views.regimen_create, name="regimen_create"),
    path("regimens/<id:pk>/edit/", regimen_views.regimen_edit, name="regimen_edit"),
    path("regimens/<id:pk>/delete/", regimen_views.regimen_delete, name="regimen_delete"),
    path("undo/", undo.undo, name="undo"),
    path("changes/", history_views.changes, name="changes"),
    path("doses/skip/", skips.skip_dose, name="dose_skip"),
]
