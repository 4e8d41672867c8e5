from django.http import JsonResponse

from orders.tasks import send_confirmation, sync_stock


def place_order(request):
    order_id = int(request.POST["order_id"])
    send_confirmation.delay(order_id)
    sync_stock.delay(sku=request.POST["sku"], quantity=1)
    return JsonResponse({"order": order_id})
