"""Email backends that behave like a failing SMTP server (the mail itself otherwise goes to
Django's in-memory outbox), to show that failed sends are retried and lose nothing."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingOnceBackend(EmailBackend):
    """The next `failures` sends fail as if the server hung up; later ones are delivered."""

    failures = 0

    def send_messages(self, messages):
        if FailingOnceBackend.failures > 0:
            FailingOnceBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingAddressBackend(EmailBackend):
    """Refuses mail to the addresses in `refused`, delivers the rest."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in RefusingAddressBackend.refused:
                    raise smtplib.SMTPRecipientsRefused({address: (450, b"Mailbox busy")})
        return super().send_messages(messages)
