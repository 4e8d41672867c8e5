from celery import shared_task


@shared_task
def charge(invoice_id):
    return invoice_id
