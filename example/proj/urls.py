from django.urls import path

from billing.views import pay
from orders.views import place_order

urlpatterns = [
    path("orders/", place_order),
    path("invoices/<int:invoice_id>/pay/", pay),
]
