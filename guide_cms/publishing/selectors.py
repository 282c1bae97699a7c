from .models import Publication


def live_versions(guide_ids) -> dict[tuple[int, str], int]:
    """{(guide id, language): live version number}, one query. With several
    channels, the version live on the most channels counts (normally all agree)."""
    counts: dict[tuple[int, str], dict[int, int]] = {}
    for guide_id, language, number in Publication.objects.live().filter(guide_id__in=list(guide_ids), withdrawn_at__isnull=True).values_list(
        "guide_id", "language", "version__number"
    ):
        per = counts.setdefault((guide_id, language), {})
        per[number] = per.get(number, 0) + 1
    return {key: max(per, key=lambda n: (per[n], n)) for key, per in counts.items()}
