"""Build the POST an admin change page would send, from the page itself."""


def _put(data, key, value, html=None):
    if value is None or value is False or (html is not None and f'name="{key}"' not in html):
        return
    data[key] = "on" if value is True else value


def post_data_from(response) -> dict:
    """What a browser sends: the fields the page renders (a form field the admin leaves out of the page is not sent)."""
    data = {}
    html = response.content.decode()
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form.add_prefix(name), form[name].value(), html)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for section_form in formset.forms:
            for name in section_form.fields:
                _put(data, section_form.add_prefix(name), section_form[name].value(), html)
    data["_save"] = "Save"
    return data
