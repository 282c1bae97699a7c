"""Clinical facts, lists: numbered steps in another order are an error, bullets in another order are not."""


from .fact_findings import errors


def test_list_items_in_another_order_are_not_an_error_of_facts():
    source = "- Apply heat in the morning.\n- Apply ice at night."
    target = "- Aplique hielo por la noche.\n- Aplique calor por la mañana."
    assert not [f for f in errors("es", source, target) if f.code == "facts-mismatch"]
    swapped = "- Aplique calor por la noche.\n- Aplique hielo por la mañana."
    assert [f for f in errors("es", source, swapped) if f.code == "facts-mismatch"]


def test_the_steps_of_a_numbered_list_in_another_order_are_an_error():
    source = "1. Warm the pack before use.\n2. Stop if the skin turns red.\n3. Apply it after the exercises."
    correct = "1. Caliente la compresa antes de usarla.\n2. Deténgase si la piel se enrojece.\n3. Aplíquela después de los ejercicios."
    swapped = "1. Aplíquela después de los ejercicios.\n2. Deténgase si la piel se enrojece.\n3. Caliente la compresa antes de usarla."
    assert errors("es", source, correct) == []
    [finding] = [f for f in errors("es", source, swapped) if f.code == "facts-mismatch"]
    assert "another order" in finding.message and "list item 1" in finding.message
    # A bulleted list may come in another order (the items say the same).
    bullets = source.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- ")
    assert not [
        f
        for f in errors("es", bullets, swapped.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- "))
        if f.code == "facts-mismatch"
    ]


def test_numbered_steps_with_doses_in_another_order_are_an_error():
    source = "1. Take 1 tablet with water.\n2. Wait 2 hours.\n3. If the pain is still severe, take 1 more tablet."
    correct = "1. Tome 1 comprimido con agua.\n2. Espere 2 horas.\n3. Si el dolor sigue siendo intenso, tome 1 comprimido más."
    swapped = "1. Espere 2 horas.\n2. Tome 1 comprimido con agua.\n3. Si el dolor sigue siendo intenso, tome 1 comprimido más."
    assert errors("es", source, correct) == []
    [finding] = errors("es", source, swapped)
    assert "another order" in finding.message and "list item 1" in finding.message
    # Bullets listed in another order say the same: the reviewer is told, the translator is not blocked.
    bullets = [text.replace("1. ", "- ").replace("2. ", "- ").replace("3. ", "- ") for text in (source, swapped)]
    assert errors("es", *bullets) == []
