from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("stock/", views.stock_overview, name="stock"),
    path("stock/receive/", views.lot_receive, name="lot_receive"),
    path("stock/lots/<id:pk>/", views.lot_detail, name="lot_detail"),
    path("stock/lots/<id:pk>/adjust/", views.lot_adjust, name="lot_adjust"),
    path("products/new/", views.product_create, name="product_create"),
]
