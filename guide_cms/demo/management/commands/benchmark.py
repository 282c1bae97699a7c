"""Print the figures that matter for performance: query counts that must not
grow with rows, and publish and export times (a publish exports incrementally;
a full export into an empty folder; nothing changed; one guide changed).

Runs in a throwaway test database; nothing of the demo is touched.
"""
import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment
from django.urls import reverse


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


class Command(BaseCommand):
    help = "Measure query counts and export times in a throwaway database, and print them."

    def add_arguments(self, parser):
        parser.add_argument("--guides", type=int, default=500, help="Guides in the large list (default 500).")
        parser.add_argument("--published", type=int, default=20, help="Guides published for the export figures (default 20).")
        parser.add_argument("--memory", type=int, default=100_000, help="Pairs in the translation memory for the lookup figures (default 100,000).")

    def handle(self, *args, guides, published, memory=100_000, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError("The benchmark creates demo accounts; run it with development settings.")
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            with tempfile.TemporaryDirectory() as exports, override_settings(GUIDE_CMS_EXPORT_DIR=Path(exports), ALLOWED_HOSTS=["testserver"]):
                self._run(guides, published, Path(exports))
                self._memory_timings(memory)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, n_guides, n_published, exports):
        from guide_cms.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
        from guide_cms.demo.content import load_glossary, load_seed_guide, publish_seed_guide, run_seed_workflow
        from guide_cms.guides.models import Guide, Section
        from guide_cms.publishing.services import export_channels, publish_version
        from guide_cms.review.services import version_sign, version_submit

        ensure_demo_accounts()
        load_glossary()
        load_seed_guide()
        run_seed_workflow()
        publish_seed_guide()
        from django.contrib.auth import get_user_model

        users = {u.username: u for u in get_user_model().objects.all()}
        seed = Guide.objects.get(slug="muscle-relaxants")
        seed_sections = list(seed.sections.all())

        def add_guides(count, start):
            new = Guide.objects.bulk_create(
                [Guide(slug=f"bench-{i}", title_en=f"Benchmark guide {i}", title_es=f"Guía {i}") for i in range(start, start + count)]
            )
            Section.objects.bulk_create(
                [
                    Section(guide=g, key=s.key, position=s.position, **{f: getattr(s, f) for f in ("title_en", "body_en", "title_es", "body_es")})
                    for g in new for s in seed_sections
                ]
            )
            return new

        client = Client()
        client.force_login(users["editor"])
        reviewer = Client()
        reviewer.force_login(users["reviewer2"])

        def count_queries(c, url):
            with CaptureQueriesContext(connection) as ctx:
                response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(ctx)

        self.stdout.write("Query counts (must not grow with rows)")
        small = add_guides(4, 0)
        for g in small:
            version_submit(guide=g, language="en", user=users["editor"])
        list_url = reverse("admin:guides_guide_changelist") + "?all="
        rows = [("guide list", list_url, client), ("review queue", reverse("review:queue"), reviewer)]
        before = {name: count_queries(c, url) for name, url, c in rows}
        big = add_guides(n_guides - 5, 4)
        for g in big[:50]:
            version_submit(guide=g, language="en", user=users["editor"])
        after = {name: count_queries(c, url) for name, url, c in rows}
        for name, _url, _c in rows:
            self.stdout.write(f"  {name:<14} {before[name]:>3} queries with 5 guides, {after[name]:>3} with {Guide.objects.count()} guides")

        self.stdout.write(f"\nExports ({n_published} more guides published in English, plus the seed guide in 3 languages)")
        publish_times = []
        for g in (small + big)[:n_published]:
            version = g.versions.get(language="en")
            version_sign(version=version, signer=users["reviewer1"], password=DEMO_PASSWORD, decision="approve")
            publish_times.append(_timed(lambda version=version: publish_version(version=version, user=users["publisher"]))[1])
        self.stdout.write(f"  publish (exports):  {statistics.median(publish_times):6.2f} s median, {max(publish_times):.2f} s at most")

        def figures(reports):
            return ", ".join(f"{r.channel}: {len(r.rendered)} rendered, {len(r.reused)} reused" for r in reports)

        with tempfile.TemporaryDirectory() as empty:
            reports, full = _timed(lambda: export_channels(output_dir=Path(empty)))
        self.stdout.write(f"  full export:        {full:6.2f} s  ({', '.join(f'{r.channel}: {len(r.rendered)} rendered' for r in reports)})")
        reports, again = _timed(lambda: export_channels(output_dir=exports))
        self.stdout.write(f"  nothing changed:    {again:6.2f} s  ({figures(reports)})")
        changed = small[0]
        section = changed.sections.first()
        Section.objects.filter(pk=section.pk).update(body_en=section.body_en + "\n\nAsk your pharmacist if unsure.")
        version = version_submit(guide=changed, language="en", user=users["editor"], change_class="editorial")
        version_sign(version=version, signer=users["reviewer1"], password=DEMO_PASSWORD, decision="approve", change_class_confirmed="editorial")
        result, one = _timed(lambda: publish_version(version=version, user=users["publisher"]))
        self.stdout.write(f"  one guide changed:  {one:6.2f} s  (publish and export; {figures(result.reports)})")

        self.stdout.write("\nHandout rendering per language (median of 3)")
        from guide_cms.publishing.channels.handouts import HandoutChannel
        from guide_cms.publishing.entries import build_entries

        channel = HandoutChannel()
        for entry in [e for e in build_entries("handouts") if e.slug == "muscle-relaxants"]:
            times = [_timed(lambda: channel.render_entry(entry))[1] for _ in range(3)]
            self.stdout.write(f"  {entry.language.code:<8} {statistics.median(times) * 1000:7.0f} ms")

        self.stdout.write("\nTranslation checks, a 10-section guide in one language (median of 5; first call builds the language's words)")
        self._qa_timings()

    def _qa_timings(self):
        from guide_cms.demo.content import fixture_path
        from guide_cms.guides.importer import parse_guide_document
        from guide_cms.localization.qa import check_translation

        def snapshot(language):
            document = parse_guide_document(fixture_path("treatment_guide", language).read_text("utf-8"))
            sections = [
                {"key": f"{s.key}-{copy}", "title": s.title, "body": s.body}
                for copy in range(4) for s in document.sections
            ][:10]
            return {"title": document.title, "summary": document.summary, "sections": sections}

        source = snapshot("en")
        for language in ("es", "ar", "zh-hans", "vi"):
            target = snapshot(language)
            _findings, first = _timed(lambda: check_translation(source, target, language=language))
            times = [_timed(lambda: check_translation(source, target, language=language))[1] for _ in range(5)]
            self.stdout.write(f"  {language:<8} {statistics.median(times) * 1000:7.1f} ms  (first call {first * 1000:.0f} ms)")

    def _memory_timings(self, size):
        """Lookups in a memory of `size` pairs: the exact matches of a guide, and a fuzzy match per sentence."""
        import itertools
        import random

        from guide_cms.demo.content import fixture_path
        from guide_cms.guides.importer import parse_guide_document
        from guide_cms.localization.memory import entry_values, exact_matches, fuzzy_index, fuzzy_matches
        from guide_cms.localization.models import MemoryEntry
        from guide_cms.localization.units import snapshot_segments

        document = parse_guide_document(fixture_path("treatment_guide", "en").read_text("utf-8"))
        snapshot = {"title": document.title, "summary": document.summary,
                    "sections": [{"key": s.key, "title": s.title, "body": s.body} for s in document.sections]}
        segments = [s.content for s in snapshot_segments(snapshot, "en")]
        guide_words = sorted({w.strip(".,;:'()").lower() for s in segments for w in "".join(i for i in s if isinstance(i, str)).split()} - {""})
        rng = random.Random(10)
        # Sentences of 6 to 24 words: a third from the guide's own words, the rest from a
        # 30,000-word vocabulary drawn as natural language is (Zipf: few words common, most rare).
        vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(30_000)]
        cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

        def words(count):
            zipf = rng.choices(vocabulary, cum_weights=cumulative, k=count)
            return [rng.choice(guide_words) if rng.random() < 0.33 else w for w in zipf]

        self.stdout.write(f"\nTranslation memory lookups, {size:,} pairs in Spanish ({len(segments)} sentences of the seed guide)")
        batch = []
        for n in range(size):
            sentence = " ".join(words(rng.randint(6, 24))).capitalize() + f" ({n})."
            values = entry_values(source=(sentence,), target=(sentence[::-1],), source_language="en", language="es")
            batch.append(MemoryEntry(**values, guide_slug=f"bench-{n % 500}", context="x.body", signed=True, version_number=1, signers="Bench"))
            if len(batch) == 5000:
                MemoryEntry.objects.bulk_create(batch)
                batch = []
        MemoryEntry.objects.bulk_create(batch)
        # Near copies of the guide's sentences, so fuzzy lookups have something to find.
        MemoryEntry.objects.bulk_create([
            MemoryEntry(**entry_values(source=(text.replace("the", "a", 1),), target=("x",), source_language="en", language="es"),
                        guide_slug="near", context="x.body", signed=True)
            for text in ("".join(i for i in s if isinstance(i, str)) for s in segments)
        ], ignore_conflicts=True)
        _index, build = _timed(lambda: fuzzy_index("es"))
        MemoryEntry.objects.create(**entry_values(source=("One more signed sentence.",), target=("Una frase más.",), source_language="en",
                                                  language="es"), guide_slug="one-more", context="x.body", signed=True)
        _index, extend = _timed(lambda: fuzzy_index("es"))
        queries = [(content, "muscle-relaxants", "x.body") for content in segments]
        _found, exact = _timed(lambda: exact_matches("es", queries))
        found, fuzzy = _timed(lambda: fuzzy_matches("es", segments))
        self.stdout.write(f"  index build (once per process):   {build * 1000:7.0f} ms")
        self.stdout.write(f"  index after one more signed pair: {extend * 1000:7.1f} ms")
        self.stdout.write(f"  exact matches, whole guide:  {exact * 1000:7.1f} ms  ({exact / len(segments) * 1000:.2f} ms a sentence)")
        self.stdout.write(f"  fuzzy matches, whole guide:  {fuzzy * 1000:7.1f} ms  ({fuzzy / len(segments) * 1000:.2f} ms a sentence, {len(found)} found)")
