from celery import shared_task


@shared_task
def send_confirmation(order_id):
    return f"confirmation sent for order {order_id}"


@shared_task(bind=True, max_retries=3)
def sync_stock(*, sku, quantity):
    return {"sku": sku, "reserved": quantity}
