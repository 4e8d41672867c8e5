from django.db import transaction
from django.http import JsonResponse

from orders.models import Order
from orders.tasks import send_confirmation, sync_stock


def place_order(request):
    with transaction.atomic():
        order = Order.objects.create(sku=request.POST["sku"])
        send_confirmation.delay(order.id)
    sync_stock.delay(sku=order.sku, quantity=order.quantity)
    return JsonResponse({"order": order.id})
