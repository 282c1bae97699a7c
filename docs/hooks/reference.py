"""MkDocs hook: the reference pages, generated from the code at every build, so they cannot drift.

- reference/commands.md: every management command of guide_cms, from its own argparse parser
  (Django's get_commands, load_command_class and create_parser);
- reference/finding-codes.md: the finding codes, from the checks' registry (qa.CHECKS) and the tables
  that explain them (qa.codes, publishing.checks, guides.text_rules);
- reference/settings.md: the GUIDE_CMS_* settings and every environment variable the settings modules
  read, from the settings modules' source (ast);
- reference/exchange-files.md: what an XLIFF 1.2, XLIFF 2.0 and PO file carries, from files the
  writers produce at build time;
- reference/formats.md: the keys of a channel's manifest.json and of a checkpoint, from the code that
  writes them (ast);
- changelog.md: the repository's CHANGELOG.md, as it is.

A code, field or key the code has and this hook cannot explain is logged as a warning, which fails the
strict build (make docs, make test) until it is explained here or beside the code.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import sys
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("mkdocs.hooks.reference")


def common_options() -> set[tuple]:
    """Django's options that every command takes (listed once, not under each command), as (option strings, help)."""
    from django.core.management.base import BaseCommand

    return {(tuple(a.option_strings), a.help) for a in BaseCommand().create_parser("manage.py", "command")._actions}


def own_actions(parser) -> list:
    common = common_options()
    return [a for a in parser._actions if (tuple(a.option_strings), a.help) not in common]


def on_config(config):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # The published test settings: no secret, no database is touched, nothing is written.
    os.environ["DJANGO_SETTINGS_MODULE"] = "guide_cms.settings.test"
    import django

    django.setup()
    return config


def on_files(files, config):
    pages = {
        "reference/commands.md": commands_page,
        "reference/finding-codes.md": finding_codes_page,
        "reference/settings.md": settings_page,
        "reference/exchange-files.md": exchange_page,
        "reference/formats.md": formats_page,
        "changelog.md": changelog_page,
    }
    for uri, build in pages.items():
        if files.get_file_from_path(uri) is not None:
            log.warning("docs/%s exists but is generated: remove the file", uri)
            continue
        files.append(File.generated(config, uri, content=build()))
    return files


# --- helpers ---------------------------------------------------------------------------------------------


def cell(text) -> str:
    """Text for one cell of a Markdown table ("<" escaped outside code spans, which show it as it is)."""
    parts = " ".join(str(text).split()).split("`")
    parts = [part if index % 2 else part.replace("<", "&lt;") for index, part in enumerate(parts)]
    return "`".join(parts).replace("|", "\\|")


def code(text) -> str:
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def generated_note(source: str) -> str:
    return f'!!! note "Generated"\n    This page is generated from {source} each time the documentation is built.\n\n'


# --- management commands ---------------------------------------------------------------------------------


def is_required(action) -> bool:
    """Whether the command fails without the argument: an option when argparse marks it required; a
    positional unless its nargs is '?', '*' or '...' (argparse requires any other positional, default or not)."""
    import argparse

    if action.option_strings:
        return bool(action.required)
    if action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE, argparse.REMAINDER):
        return False
    return bool(action.required)


def commands_page() -> str:
    from django.core.management import get_commands, load_command_class

    commands = sorted((app, name) for name, app in get_commands().items() if app.startswith("guide_cms"))
    out = ["# Management commands\n\n", generated_note("each command's own argument parser (`manage.py <command> --help`)")]
    out.append(
        "Run a command from the project folder with `.venv/bin/python manage.py <command>` (or activate `.venv`). "
        "Every command also takes Django's common options (`--settings`, `--verbosity`, `--traceback`, "
        "`--no-color`, `--force-color`, `--skip-checks`, `--pythonpath`, `--version`, `--help`).\n\n"
    )
    out.append("| command | app | what it does |\n| --- | --- | --- |\n")
    parsers = []
    for app, name in commands:
        command = load_command_class(app, name)
        parser = command.create_parser("manage.py", name)
        parsers.append((app, name, parser))
        summary = (parser.description or command.help or "").strip()
        if not summary:
            log.warning("the command %s has no help text", name)
        out.append(f"| [{code(name)}](#{name.replace('_', '-')}) | `{app}` | {cell(first_sentence(summary))} |\n")
    for _app, name, parser in parsers:
        out.append(f"\n## {code(name)} {{#{name.replace('_', '-')}}}\n\n")
        out.append(f"{prose((parser.description or '').strip())}\n\n")
        formatter = parser._get_formatter()
        own = own_actions(parser)
        formatter.add_usage(None, own, parser._mutually_exclusive_groups, prefix="")
        usage = " ".join(formatter.format_help().split()) + " [common options]"
        out.append(f"```text\n{usage}\n```\n\n")
        rows = []
        formatter = parser._get_formatter()
        for action in own:
            name_cell = ", ".join(action.option_strings) or action.dest
            if action.metavar or (action.option_strings and action.nargs != 0):
                metavar = action.metavar or action.dest.upper()
                name_cell += f" {metavar}" if action.option_strings else ""
            help_text = formatter._expand_help(action) if action.help else ""
            if action.choices:
                help_text += f" Choices: {', '.join(str(c) for c in action.choices)}."
            if (action.option_strings and action.nargs != 0 and action.default not in (None, [], "", "==SUPPRESS==")
                    and "default" not in help_text.lower()):
                help_text += f" Default: {action.default}."
            required = "required" if is_required(action) else ""
            if not help_text:
                log.warning("the argument %s of %s has no help text", name_cell, name)
            rows.append(f"| {code(name_cell)} | {required} | {cell(help_text)} |\n")
        if rows:
            out.append("| argument | | meaning |\n| --- | --- | --- |\n")
            out.extend(rows)
        else:
            out.append("No arguments besides the common options.\n")
    return "".join(out)


def prose(text: str) -> str:
    """Help text as Markdown shows it: nothing in it read as HTML or markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def first_sentence(text: str) -> str:
    """The description, or its first sentence when it is long."""
    text = " ".join(text.split())
    if len(text) <= 200:
        return text
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match and len(match.group(1)) <= 300 else text[:199] + "…"


# --- finding codes ---------------------------------------------------------------------------------------


def finding_codes_page() -> str:
    from guide_cms.guides.text_rules import PROBLEM_CODES
    from guide_cms.localization.qa import CHECKS
    from guide_cms.localization.qa.codes import FINDING_CODES
    from guide_cms.publishing.checks import SUBMISSION_CODES

    out = ["# Finding codes\n\n", generated_note("the checks' registry (`guide_cms/localization/qa`) and the tables beside the codes")]
    out.append(
        "The quality checks and the submission checks report each problem as a *finding*: a stable code, a "
        "severity, where it is (the unit: `guide.title`, `guide.summary`, `<section>.title`, `<section>.body`, or a "
        "section key) and a message in the reader's language. **Errors** block submission; **warnings** and **info** "
        "go to the reviewer. The same checks run at submission, in `check_translation`, in the preview of a CAT-tool "
        "file and on the review page. See [Quality checks](../explanation/quality-checks.md) for how they read "
        "quantities, text and limits.\n\n"
    )
    out.append("## Quality checks of a translation\n\n")
    out.append("Run over every translatable unit against the source version being translated, in this order. ")
    out.append("A source submission runs the ones marked *source too*.\n\n")
    out.append("| code | severity | what it means | what to do |\n| --- | --- | --- | --- |\n")
    from guide_cms.localization.qa.checks import SOURCE_CHECKS

    listed = set()
    for fn in CHECKS:
        meaning = FINDING_CODES.get(fn.code)
        if meaning is None:
            log.warning("the finding code %s has no entry in guide_cms/localization/qa/codes.py", fn.code)
            continue
        listed.add(fn.code)
        source_too = " (source too)" if fn.code in SOURCE_CHECKS else ""
        out.append(f"| {code(fn.code)}{source_too} | {meaning.severity} | {cell(meaning.meaning)} | {cell(meaning.action)} |\n")
    for key, meaning in FINDING_CODES.items():
        if key not in listed:
            out.append(f"| {code(key)} | {meaning.severity} | {cell(meaning.meaning)} | {cell(meaning.action)} |\n")
    out.append("\n## Checks at submission\n\n")
    out.append(
        "Before a version is frozen, its text is rendered for every channel it can go to (the site page, and the "
        "handout as far as layout) and read back. Each problem is an **error** naming the section:\n\n"
    )
    out.append("| code | what it means | what to do |\n| --- | --- | --- |\n")
    for key, (meaning, action) in SUBMISSION_CODES.items():
        out.append(f"| {code(key)} | {cell(meaning)} | {cell(action)} |\n")
    out.append("\n## Text rules\n\n")
    out.append(
        "These are not findings but refusals: text that breaks them is not stored (admin forms, the sentence "
        "editor, Markdown and CAT-tool imports), and the message names the field, the line and the character. "
        "Text stored before a rule existed is reported by the `invisible-characters`, `markup` or `render-limit` "
        "findings above.\n\n"
    )
    out.append("| rule | what is refused |\n| --- | --- |\n")
    for key, meaning in PROBLEM_CODES.items():
        out.append(f"| {code(key)} | {cell(meaning)} |\n")
    out.append("\n## Limits\n\n")
    out.append(limits_table())
    return "".join(out)


def limits_table() -> str:
    from guide_cms.guides import text_limits as limits

    rows = [
        ("a section body", f"{limits.MAX_BODY_CHARS:,} characters"),
        ("a title", f"{limits.MAX_TITLE_CHARS:,} characters"),
        ("the summary", f"{limits.MAX_LINE_CHARS:,} characters"),
        ("a whole guide in one language (titles, summary, bodies)", f"{limits.MAX_GUIDE_CHARS:,} characters"),
        ("lists, quotes and callouts inside one another", f"{limits.MAX_BLOCK_NESTING} levels"),
        ("emphasis, bold, links and code inside one another", f"{limits.MAX_INLINE_NESTING} levels"),
        ("`*` or `_` in a row where they mark up text", f"{limits.MAX_MARKER_RUN}"),
    ]
    out = "The limits of `guide_cms/guides/text_limits.py`, checked wherever text enters and again at submission:\n\n"
    out += "| what | at most |\n| --- | --- |\n"
    return out + "".join(f"| {what} | {limit} |\n" for what, limit in rows)


# --- settings --------------------------------------------------------------------------------------------

SETTINGS_MODULES = ("base", "dev", "test", "production")


def settings_page() -> str:
    folder = ROOT / "guide_cms" / "settings"
    settings_rows, env_rows = [], {}
    for module in SETTINGS_MODULES:
        path = folder / f"{module}.py"
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines = source.splitlines()
        readers = env_readers(tree)
        for index, stmt in enumerate(tree.body):
            targets = assigned_names(stmt)
            for target in targets:
                if target.startswith("GUIDE_CMS_"):
                    value = ast.get_source_segment(source, stmt.value) if getattr(stmt, "value", None) is not None else ""
                    settings_rows.append((target, module, value or "", comment_above(lines, stmt.lineno)))
            if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                continue
            for variable in env_reads(stmt, readers):
                entry = env_rows.setdefault(variable, {"modules": [], "settings": set()})
                if module not in entry["modules"]:
                    entry["modules"].append(module)
                entry["settings"].update(t for t in targets if not t.startswith("_"))
                for private in (t for t in targets if t.startswith("_")):
                    entry["settings"].update(assigned_from(tree.body[index + 1 :], private))
    out = ["# Settings and environment\n\n", generated_note("the settings modules (`guide_cms/settings/`)")]
    out.append(
        "`guide_cms.settings.base` holds what every environment shares; `dev` (the default of `manage.py`, used by "
        "`make demo`), `test` and `production` refine it. Production reads every secret and host from the "
        "environment and refuses to start without them: see [Deploy on PostgreSQL](../how-to/deploy-postgresql.md) "
        "and [Keys and rotation](../how-to/keys.md).\n\n"
    )
    out.append("## Environment variables\n\n")
    out.append(
        "Every variable a settings module reads. A variable read through a key helper also has a `_FILE` form "
        "that names a file to read instead, and wins when both are set: for the audit keys one file, one key a "
        "line; for the checkpoint keys PEM files, one key each, their paths separated by commas. What each "
        "variable takes: [Keys and rotation](../how-to/keys.md#what-each-variable-takes).\n\n"
    )
    out.append("| variable | read by | sets |\n| --- | --- | --- |\n")
    for variable in sorted(env_rows):
        entry = env_rows[variable]
        sets = ", ".join(code(s) for s in sorted(entry["settings"])) or "(read by the module's checks)"
        out.append(f"| {code(variable)} | {', '.join(entry['modules'])} | {sets} |\n")
    out.append("\n## `GUIDE_CMS_*` settings\n\n")
    out.append("Each assignment, in the module that makes it, with the comment the code gives it.\n\n")
    out.append("| setting | module | value | note |\n| --- | --- | --- | --- |\n")
    for name, module, value, comment in settings_rows:
        value = " ".join(value.split())
        if len(value) > 90:
            value = value[:87] + "…"
        out.append(f"| {code(name)} | {module} | {code(value) if value else ''} | {cell(comment)} |\n")
    return "".join(out)


def assigned_names(stmt) -> list[str]:
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def assigned_from(statements, name: str) -> set[str]:
    """The public settings later statements assign from the private variable `name`."""
    found = set()
    for stmt in statements:
        if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(stmt)):
            for node in ast.walk(stmt):
                found.update(t for t in assigned_names(node) if not t.startswith("_"))
    return found


def comment_above(lines: list[str], lineno: int) -> str:
    comment = []
    index = lineno - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        comment.insert(0, lines[index].lstrip()[1:].strip())
        index -= 1
    return " ".join(comment)


def _is_environ(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"


def _environ_key(node):
    """The key expression of os.environ.get(KEY…), os.environ[KEY] or os.getenv(KEY…), else None."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value):
            return node.args[0]
        if isinstance(func, ast.Attribute) and func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
            return node.args[0]
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return node.slice
    return None


def env_readers(tree) -> dict[str, set[str]]:
    """Functions that read the environment variable named by their first parameter: {name: suffixes read}
    ("" for the name itself, "_FILE" for f"{name}_FILE"). Helpers imported from base are known by their names."""
    known = {"secret_from_environment": {"", "_FILE"}, "pem_from_environment": {"", "_FILE"}}
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.args.args]
    changed = True
    while changed:
        changed = False
        for fn in functions:
            param = fn.args.args[0].arg
            suffixes = set()
            for node in ast.walk(fn):
                key = _environ_key(node)
                if key is not None:
                    suffixes |= _suffixes(key, param)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in known and node.args:
                    arg = node.args[0]
                    if isinstance(arg, ast.Name) and arg.id == param:
                        suffixes |= known[node.func.id]
            if suffixes and known.get(fn.name) != suffixes:
                known[fn.name] = suffixes
                changed = True
    return known


def _suffixes(key, param: str) -> set[str]:
    if isinstance(key, ast.Name) and key.id == param:
        return {""}
    if isinstance(key, ast.JoinedStr) and key.values:
        first = key.values[0]
        if isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Name) and first.value.id == param:
            rest = "".join(v.value for v in key.values[1:] if isinstance(v, ast.Constant))
            return {rest}
    return set()


def env_reads(stmt, readers: dict[str, set[str]]) -> list[str]:
    found = []
    for node in ast.walk(stmt):
        key = _environ_key(node)
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append(key.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in readers and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found += [arg.value + suffix for suffix in sorted(readers[node.func.id])]
    return found


# --- exchange files --------------------------------------------------------------------------------------

# What each field of an exchange file means. A field the writers produce that is not here fails the build.
PO_HEADERS = {
    "Language": "The target language, as gettext tools name it (`es`, `zh_Hans`).",
    "X-Guide-CMS-Guide": "The guide's slug.",
    "X-Guide-CMS-Source-Language": "The source language's tag (`en`).",
    "X-Guide-CMS-Source-Version": "The number of the approved source version the sentences come from.",
    "X-Guide-CMS-Source-Hash": "That version's content hash (SHA-256).",
    "X-Guide-CMS-End-Marker": 'Announces the obsolete entry `#~ msgctxt "guide_cms:end"` that ends every exported file; '
    "a file whose header has this field but that does not end with that entry is refused as cut off.",
    "X-Guide-CMS-Base": "What each sentence held when the file was exported (a signed token; keep it). An import merges onto "
    "it: a sentence saved since then that the file leaves as exported is kept; one the file changes too is a conflict, "
    "listed with both texts.",
}
XLIFF_ATTRIBUTES = {
    "gc:source-version": "On `<file>`: the number of the approved source version the sentences come from.",
    "gc:source-hash": "On `<file>`: that version's content hash (SHA-256).",
    "gc:base": "On `<file>`: what each sentence held when the file was exported (a signed token; keep it), as "
    "`X-Guide-CMS-Base` in a PO file.",
    "gc:kind": "On a unit: the kind of block the sentence belongs to (title, summary, paragraph, list item, warning, tip, quote).",
}
SAMPLE = {
    "guide": "baclofen",
    "sentences": [
        ("guide.title", "Baclofen", "Baclofeno", "translated", "title"),
        ("dosing.body.1.1", "Take 10 mg at bedtime.", "Tome 5 mg al acostarse.", "needs-review", "paragraph"),
        ("warnings.body.1.1", "Do not drive.", "No conduzca.", "memory", "warning"),
    ],
}


def sample_document():
    from guide_cms.core.merge import base_token
    from guide_cms.localization.exchange import ExchangeDocument, ExchangeUnit

    units = tuple(
        ExchangeUnit(id=uid, source=(source,), target=(target,), state=state, kind=kind)
        for uid, source, target, state, kind in SAMPLE["sentences"]
    )
    base = base_token(f"segments:{SAMPLE['guide']}:es", {uid: target for uid, _source, target, _state, _kind in SAMPLE["sentences"]})
    return ExchangeDocument(
        guide=SAMPLE["guide"],
        source_language="en",
        target_language="es",
        source_version=2,
        source_hash="0" * 63 + "1",
        units=units,
        base=base,
    )


def exchange_page() -> str:
    from guide_cms.localization.exchange import FORMATS, STATES
    from guide_cms.localization.exchange import po as po_module
    from guide_cms.localization.exchange import xliff2 as xliff2_module
    from guide_cms.localization.exchange import xliff12 as xliff12_module

    doc = sample_document()
    files = {name: writer(doc).decode("utf-8") for name, (writer, _ext, _mime) in FORMATS.items()}
    out = ["# Exchange files (XLIFF, PO)\n\n", generated_note("the writers of `guide_cms/localization/exchange/`")]
    out.append(
        "A translator downloads a guide for a CAT tool from the translation dashboard, or with "
        "`manage.py export_translation SLUG LANG --format xliff|xliff2|po`, and brings it back with the upload on the "
        "dashboard or `manage.py import_translation`. One unit is one sentence, with a stable id such as "
        "`dosing.body.2.1` (the first sentence of the second block of the *dosing* text). Inline formatting travels as "
        "codes, never as Markdown. See [Translator](../roles/translator.md) for the workflow.\n\n"
    )
    out.append("## Formats\n\n| `--format` | extension | media type |\n| --- | --- | --- |\n")
    for name, (_writer, ext, mime) in FORMATS.items():
        out.append(f"| `{name}` | `.{ext}` | `{mime}` |\n")

    out.append("\n## PO header fields\n\n| field | meaning |\n| --- | --- |\n")
    header_names = re.findall(r'^"([A-Za-z-]+): ', files["po"], flags=re.M)
    for name in header_names:
        if name in PO_HEADERS:
            out.append(f"| {code(name)} | {cell(PO_HEADERS[name])} |\n")
        elif name.startswith("X-Guide-CMS"):
            log.warning("the PO header field %s is written but not explained in docs/hooks/reference.py", name)
    out.append("\nThe other header fields are gettext's own (`Project-Id-Version`, `Content-Type`, `Plural-Forms`…).\n")
    out.append("\n## `gc:` attributes in XLIFF\n\n")
    out.append(f'Both XLIFF versions declare the namespace `xmlns:gc="{xliff12_module.GC_NS}"`.\n\n')
    out.append("| attribute | meaning |\n| --- | --- |\n")
    written = sorted(set(re.findall(r"\b(gc:[a-z-]+)=", files["xliff"] + files["xliff2"])))
    for name in written:
        if name in XLIFF_ATTRIBUTES:
            out.append(f"| {code(name)} | {cell(XLIFF_ATTRIBUTES[name])} |\n")
        else:
            log.warning("the XLIFF attribute %s is written but not explained in docs/hooks/reference.py", name)
    for name in XLIFF_ATTRIBUTES:
        if name not in written:
            log.warning("docs/hooks/reference.py explains the XLIFF attribute %s, which no file carries any more", name)

    out.append("\n## Sentence states\n\n")
    out.append(
        "A sentence's state in guide_cms, and how each format writes it. Reading a file back, *approved*, *final* and "
        "signed-off states are read as *translated* at most: an import is never a sign-off.\n\n"
    )
    out.append("| state | XLIFF 1.2 `state` (`state-qualifier`) | XLIFF 2.0 `state` (`subState`) | PO flags |\n| --- | --- | --- | --- |\n")
    for state in STATES:
        s12, q12 = xliff12_module._TO_XLIFF_STATE[state]
        s20, q20 = xliff2_module._TO_STATE[state]
        flags = ", ".join(po_module._FLAGS.get(state, [])) or "(none)"
        out.append(f"| {code(state)} | `{s12}`{f' (`{q12}`)' if q12 else ''} | `{s20}`{f' (`{q20}`)' if q20 else ''} | {flags} |\n")

    out.append("\n## What a file looks like\n\n")
    out.append(
        "The same three sentences of a Spanish translation (a title, a sentence that needs review, a sentence "
        "from memory), written by each format at this build:\n\n"
    )
    for name, label, lang in (("po", "PO", "po"), ("xliff", "XLIFF 1.2", "xml"), ("xliff2", "XLIFF 2.0", "xml")):
        out.append(f'=== "{label}"\n\n')
        out.append("    ```" + lang + "\n" + "".join("    " + line + "\n" for line in files[name].splitlines()) + "    ```\n\n")
    return "".join(out)


# --- manifest and checkpoint -----------------------------------------------------------------------------

MANIFEST_KEYS = {
    "channel": "The channel's name (`site`, `handouts`).",
    "output_version": "The version of the channel's output, raised when its code changes what it writes: a change "
    "renders every entry again.",
    "entries": "Per language and guide (`<language>/<slug>`), what is live: see *Entries* below.",
    "failures": "Per language and guide that the last export could not render: the version it tried (`version`), the "
    "version whose files are kept (`kept_version`) and the reason (`error`).",
    "files": "Every file of the channel with its SHA-256.",
    "index": "The search index (site channel): `shards`, each with the hash of its pages (`key`), the pages it indexes "
    "and its files; `behind` while a publication's index is still to be built.",
    "shared_behind": "Present and true while a publication's shared files (home pages, `index.html`, `sitemap.xml`, "
    "the search index) still list the previous entries; the export that follows renders them.",
}
ENTRY_KEYS = {
    "key": "A hash of everything the entry's files depend on (the channel and its output version, the templates, the "
    "entry's facts and content hash, how its language's text is rendered): an export renders an entry again only "
    "when its key changed.",
    "files": "The files of this entry.",
    "withdrawn": "True when a safety change withdrew the translation: its files are the withdrawal notice.",
    "aliases": "The guide's former slugs, oldest first (present after a rename): each former address holds a redirect "
    "page and a `moved` JSON leading to this entry.",
    "version": "The version number live (or withdrawn).",
    "content_hash": "The version's content hash (SHA-256 of its canonical text).",
    "signatures": "The version's approving signatures, as printed: printed name, credentials, meaning (code and text), "
    "time (UTC) and, for a translation, the source version number.",
    "outdated_by": "The source version number that made this translation outdated (its pages carry the notice), or null.",
    "title": "The guide's title in this language, for the shared files.",
    "summary": "The guide's summary in this language, for the shared files.",
    "shared": "The facts the shared files read (approval and next review dates, the other languages, the source language, "
    "the outdated notice's title).",
}
SHARED_KEYS = {
    "approved_on": "The approval date.",
    "next_review_due": "The next review date, or null.",
    "alternates": "The other languages the guide is live in.",
    "source_language": "The guide's source language.",
    "outdated_title": "For an outdated translation: the source's title the notice names.",
    "source_title": "For a withdrawn translation: the source's title the notice names.",
}
CHECKPOINT_RECORD_KEYS = {
    "format": "The format's name and version.",
    "sequence": "The number of the newest checkpoint written after this channel's export.",
    "digest": "The SHA-256 of that checkpoint's file: a reader holding a copy of the channel sees checkpoint history "
    "deleted on the server (verify_integrity and every export compare it too).",
    "key_id": "The id of the key that signed it.",
    "audit_events": "The number of audit events it covers.",
    "created_at": "When it was written (UTC, ISO 8601).",
}
CHECKPOINT_ENVELOPE_KEYS = {
    "format": "The format's name and version.",
    "key_id": "The id of the Ed25519 key that signed it (`checkpoints/keys/<key id>.pem`).",
    "payload": "The signed payload, as a JSON string (the exact bytes signed).",
    "signature": "The Ed25519 signature of the payload's UTF-8 bytes, base64.",
}
CHECKPOINT_PAYLOAD_KEYS = {
    "sequence": "The checkpoint's number (its file is `NNNNNNNN.json`).",
    "created_at": "When it was written (UTC, ISO 8601).",
    "reason": "`checkpoint` (written by the command, from cron) or `export` (written after an export).",
    "audit": "`count`: the number of audit events; `head`: the newest event's hash.",
    "manifests": "Per channel, the SHA-256 of its `manifest.json` (null: never exported).",
    "output": "The export folder it covers (its absolute path).",
    "previous": "The SHA-256 of the previous checkpoint's file (null for the first): the series is a chain.",
}


def dict_keys(path: Path, function: str, variable: str | None = None) -> list[str]:
    """The string keys of the dict literals in `function` (assigned to `variable` if given), and of its
    `variable[...] = ` and `.update(key=…)` calls, from the source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    keys: list[str] = []

    def add(key):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in keys:
            keys.append(key.value)

    for node in ast.walk(fn):
        if variable is None and isinstance(node, ast.Dict):
            for key in node.keys:
                add(key)
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
                and isinstance(node.value, ast.Dict)):
            for key in node.value.keys:
                add(key)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == variable:
                    add(target.slice)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == variable):
            for keyword in node.keywords:
                add(ast.Constant(keyword.arg))
    return keys


def keys_table(keys: list[str], meanings: dict[str, str], where: str) -> str:
    out = "| key | meaning |\n| --- | --- |\n"
    for key in keys:
        if key not in meanings:
            log.warning("%s writes the key %r, which docs/hooks/reference.py does not explain", where, key)
            continue
        out += f"| {code(key)} | {cell(meanings[key])} |\n"
    for key in meanings:
        if key not in keys:
            log.warning("docs/hooks/reference.py explains the key %r, which %s no longer writes", key, where)
    return out


def formats_page() -> str:
    from guide_cms.publishing import checkpoints, store

    export_py = ROOT / "guide_cms/publishing/export.py"
    manifests_py = ROOT / "guide_cms/publishing/manifests.py"
    checkpoints_py = ROOT / "guide_cms/publishing/checkpoints.py"
    out = ["# Manifest and checkpoint formats\n\n", generated_note("the code that writes them (`guide_cms/publishing/`)")]
    out.append(
        "These files are what a downstream reader (an app, a mirror) checks; the explanation is in "
        "[The integrity model](../explanation/integrity.md) and [Channels and exports](../explanation/channels.md).\n\n"
    )
    out.append(f"## `<channel>/{store.MANIFEST}`\n\n")
    out.append(
        "Each channel's live release (`<export dir>/site/`, `<export dir>/handouts/`: links to release folders) holds a "
        "manifest, written last by every export, as JSON with sorted keys.\n\n"
    )
    out.append(keys_table(dict_keys(export_py, "_manifest", "manifest"), MANIFEST_KEYS, "export._ChannelExport._manifest"))
    out.append("\n### Entries\n\n")
    out.append(keys_table(dict_keys(manifests_py, "entry_record", "record"), ENTRY_KEYS, "manifests.entry_record"))
    out.append("\n### The `shared` facts of an entry\n\n")
    out.append(keys_table(dict_keys(manifests_py, "shared_facts"), SHARED_KEYS, "manifests.shared_facts"))
    out.append(f"\n## `<channel>/{store.CHECKPOINT_RECORD}`\n\n")
    out.append(
        "Beside each channel's manifest, not listed in it (it is written after the checkpoint that signs the manifest): "
        f"the newest checkpoint, format `{checkpoints.RECORD_FORMAT}`.\n\n"
    )
    out.append(keys_table(dict_keys(checkpoints_py, "_publish_record", "record"), CHECKPOINT_RECORD_KEYS, "checkpoints._publish_record"))
    out.append(f"\n## `{checkpoints.FOLDER}/NNNNNNNN.json` and `{checkpoints.FOLDER}/latest.json`\n\n")
    out.append(
        f"A checkpoint is a JSON envelope of format `{checkpoints.FORMAT}`. The folder also holds `public-key.pem` "
        "(the current key's public half) and `keys/<key id>.pem` for every key still trusted.\n\n"
    )
    out.append(
        keys_table(dict_keys(checkpoints_py, "_signed_checkpoint", "envelope"), CHECKPOINT_ENVELOPE_KEYS, "checkpoints.checkpoint_record")
    )
    out.append("\n### The payload\n\n")
    out.append(
        keys_table(dict_keys(checkpoints_py, "checkpoint_record", "payload"), CHECKPOINT_PAYLOAD_KEYS, "checkpoints.checkpoint_record")
    )
    out.append(
        "\nTo verify a manifest and every file it lists with the public key alone, copy "
        "`guide_cms/publishing/verify_manifest.py` (it needs Python and `cryptography` only):\n\n"
        "```sh\npython verify_manifest.py --key public-key.pem --checkpoint latest.json --channel site --folder ./site\n```\n"
    )
    return "".join(out)


# --- changelog -------------------------------------------------------------------------------------------


def changelog_page() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


# --- the apps' imports (For developers, Architecture) ----------------------------------------------------

IMPORTS_MARKER = "<!-- generated: app imports -->"
APPS = ("core", "guides", "localization", "review", "publishing", "notifications", "demo")


def on_page_markdown(markdown, page, config, files):
    if IMPORTS_MARKER in markdown:
        markdown = markdown.replace(IMPORTS_MARKER, imports_table())
    return markdown


def imports_table() -> str:
    """Which guide_cms apps each app imports, from its source: at module level, and inside functions only."""
    rows = ["| app | imports (module level) | imports inside a function only |\n| --- | --- | --- |\n"]
    for app in APPS:
        top, inner = set(), set()
        for path in sorted((ROOT / "guide_cms" / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            module_level = {id(node) for node in tree.body}
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "guide_cms" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
                        (top if id(node) in module_level else inner).add(parts[1])
        inner -= top
        order = {name: index for index, name in enumerate(APPS)}
        rows.append(
            f"| `{app}` | {', '.join(f'`{a}`' for a in sorted(top, key=order.get)) or '—'} "
            f"| {', '.join(f'`{a}`' for a in sorted(inner, key=order.get)) or '—'} |\n"
        )
    return "".join(rows)
