from django.http import JsonResponse

from billing.tasks import charge


def pay(request, invoice_id):
    result = charge.delay(invoice_id)
    return JsonResponse({"task_id": result.id})
