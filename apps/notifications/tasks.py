"""Thin Celery tasks: take ids, call one service. Late acknowledgement so a killed worker's
email is redelivered; the `emailed_at` claim and the per-person digest transaction make a
redelivery or a retry send at most once. A few quick retries here; after those, the notice's
`email_due_at` brings it back through the sweep (apps/core/delivery.py)."""

from celery import shared_task

from apps.core.delivery import TRANSIENT_ERRORS, DeliveredTask

from . import services

# SMTP (smtplib.SMTPException) and network errors are OSErrors, as well as the database or
# broker being briefly unreachable.
EMAIL_ERRORS = (OSError, *TRANSIENT_ERRORS)


@shared_task(
    base=DeliveredTask,
    autoretry_for=EMAIL_ERRORS,
    retry_backoff=30,
    max_retries=3,
)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task(
    base=DeliveredTask,
    bind=True,
    retry_backoff=60,
    retry_backoff_max=600,
    soft_time_limit=30 * 60,
    time_limit=31 * 60,
)
def send_weekly_digests(self) -> int:
    result = services.notification_digests_send()
    if result.failed:
        # Only the people whose email failed are still pending; try them again later.
        raise self.retry(countdown=15 * 60)
    return result.sent
