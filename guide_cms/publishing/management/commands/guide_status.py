from django.core.management.base import BaseCommand, CommandError

from guide_cms.core.languages import all_languages
from guide_cms.guides.models import Guide
from guide_cms.review.selectors import guide_statuses


class Command(BaseCommand):
    help = "Print each guide's state per language (not started, draft, in review, ..., outdated)."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="Only this guide.")

    def handle(self, *args, slug=None, **options):
        guides = Guide.objects.order_by("slug")
        if slug:
            guides = guides.filter(slug=slug)
            if not guides.exists():
                raise CommandError(f"No guide with slug {slug!r}.")
        guides = list(guides)
        statuses = guide_statuses(guides)
        languages = all_languages()
        header = ["guide", *(lang.code for lang in languages)]
        rows = []
        problems = []
        for guide in guides:
            cells = [guide.slug]
            for lang in languages:
                status = statuses[guide.pk][lang.code]
                cell = status.short_label
                if status.changed_since_submitted:
                    cell += " *"
                if status.export_problems:
                    cell += " !"
                    problems += [f"! {guide.slug} [{lang.code}] {problem}" for problem in status.export_problems]
                cells.append(cell)
            rows.append(cells)
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if any(s.changed_since_submitted for per in statuses.values() for s in per.values()):
            self.stdout.write("* changed since submitted")
        if problems:
            self.stdout.write("! live, but not on the channels as published (verify_integrity and export_channels say more):")
            for line in problems:
                self.stdout.write(f"  {line}")
