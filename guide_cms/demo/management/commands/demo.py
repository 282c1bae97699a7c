from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from guide_cms.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from guide_cms.demo.content import (
    load_glossary,
    load_second_guide,
    load_seed_guide,
    memory_example,
    publish_seed_guide,
    run_outdated_example,
    run_seed_workflow,
)
from guide_cms.publishing.services import export_channels


class Command(BaseCommand):
    help = "Load the demo: accounts with a published password, the seed guide in five languages taken through review, and a draft guide."

    def handle(self, *args, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError(
                "Refusing to load the demo: these settings do not allow it (DEMO_ALLOWED is off, as in production). "
                "The demo creates accounts whose password is public."
            )
        ensure_demo_accounts()
        load_glossary()
        report = load_seed_guide()
        state = "loaded" if report.created else ("updated" if report.changed_anything else "already loaded")
        self.stdout.write(self.style.SUCCESS(f"Seed guide '{report.guide.slug}' {state}."))
        submitted = run_seed_workflow()
        if submitted:
            self.stdout.write(f"Submitted and reviewed: {', '.join(submitted)}.")
        published = publish_seed_guide()
        if published:
            self.stdout.write(f"Published: {', '.join(published)}.")
        for report in export_channels():
            state = "updated" if report.changed else "unchanged"
            self.stdout.write(f"Export {report.channel} {state}: {report.files} files in {report.path}")
        second = load_second_guide()
        self.stdout.write(f"Draft guide '{second.guide.slug}' {'loaded' if second.created else 'already loaded'}.")
        if run_outdated_example():
            self.stdout.write(
                "Guide 'gentle-stretches': a clinical change to the English, published after the Spanish "
                "(Spanish outdated, live with a notice)."
            )
        example = memory_example()
        fuzzy = ", ".join(f"{uid} ({score}%)" for uid, score in example["fuzzy"])
        self.stdout.write(
            f"Translation memory: {example['pairs']} sentence pairs from signed translations. Guide 'gentle-stretches' in Spanish: "
            f"{len(example['memory'])} sentences pre-filled from memory, to review: {fuzzy or 'none'} "
            "(translator_es: Translation dashboard > translate sentence by sentence)."
        )
        self.stdout.write("")
        call_command("guide_status", stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            languages = f" [{', '.join(account.languages)}]" if account.languages else ""
            role = account.role.label if account.role else "superuser (accounts only)"
            self.stdout.write(f"  {account.username:<20} {role}{languages}")
