from django.core.management.base import BaseCommand

from guide_cms.notifications.services import send_digests, send_immediate


class Command(BaseCommand):
    help = (
        "Email notifications: with --digest, one daily message to each person who chose the digest (run it from cron "
        "once a day); without, retry immediate notifications that could not be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Send the daily digests.")

    def handle(self, *args, digest, **options):
        if digest:
            self.stdout.write(f"Sent {send_digests()} digest email(s).")
        else:
            self.stdout.write(f"Sent {send_immediate()} notification email(s).")
