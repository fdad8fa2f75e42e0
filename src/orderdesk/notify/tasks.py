from django_tasks import task


@task()
def outbox_deliver(message_id: int) -> None:
    return None


@task()
def outbox_sweep() -> None:
    return None
