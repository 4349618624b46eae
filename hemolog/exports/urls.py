from django.urls import path  # noqa: F401

from . import import_views, recall_views, views

app_name = "exports"

urlpatterns: list = [
    # CSV import (hemolog/exports/import_views.py) and the lot recall lookup (recall_views.py)
    path("patients/<id:patient_id>/import/", import_views.import_upload, name="import_upload"),
    path("patients/<id:patient_id>/import/preview/", import_views.import_preview, name="import_preview"),
    path("recall/", recall_views.recall_lookup, name="recall"),
    path("recall/csv/", recall_views.recall_export, name="recall_csv"),
    # Exports (hemolog/exports/views.py)
    path("patients/<id:patient_id>/export/", views.export_page, name="export"),
    path("patients/<id:patient_id>/export/bleeds.csv", views.bleeds_csv, name="bleeds_csv"),
    path("patients/<id:patient_id>/export/infusions.csv", views.infusions_csv, name="infusions_csv"),
    path("patients/<id:patient_id>/export/stock.csv", views.stock_csv, name="stock_csv"),
    path("patients/<id:patient_id>/export/csv.zip", views.csv_zip, name="csv_zip"),
    path("patients/<id:patient_id>/export/report.pdf", views.pdf, name="pdf"),
    path("patients/<id:patient_id>/export/fhir.json", views.fhir, name="fhir"),
    path("patients/<id:patient_id>/export/archive/", views.archive_export, name="archive_export"),
    path("accounts/archive/import/", views.archive_import, name="archive_import"),
]
