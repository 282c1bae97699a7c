"""What the checks' word lists keep in every process that checks text (web workers, render workers): the
unit words read from CLDR's regional locales and the drug dictionary, without what was read to make them."""
import gc
import tracemalloc

from guide_cms.localization.qa import lexicon as lexicons
from guide_cms.localization.qa.drugs import drug_names


def test_the_unit_words_of_every_region_are_kept_without_the_locales_they_were_read_from():
    from babel import localedata

    lexicons.lexicon.cache_clear()
    localedata.clear_caches()
    gc.collect()
    tracemalloc.start()
    try:
        english = lexicons.lexicon("en")
        gc.collect()
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Read from en_GB, en_AU… (about a hundred locales, 15 MB of Babel's data while they are read).
    assert "millilitre" in english.units and english.units["millilitre"].unit == english.units["milliliter"].unit
    assert kept < 5_000_000, f"{kept / 1e6:.1f} MB kept after building the English words"


def test_the_drug_dictionary_keeps_one_entry_per_drug_for_its_many_names():
    names = drug_names()
    entries = list(names.values())
    assert names["ziagen"] == ("abacavir", False) and names["abacavir"] == ("abacavir", True)
    # ~107,000 names of ~20,000 drugs: equal entries are one object (10 MB a process), and so their drug's name.
    assert len({id(entry) for entry in entries}) == len(set(entries))
    assert len({id(canonical) for canonical, _generic in entries}) == len({canonical for canonical, _generic in entries})
