"""The translation catalogs cover every message in the source, and locale negotiation works.

Messages are extracted from the tree at test time, with the mapping and keywords of babel.cfg
(the file scripts/i18n.sh hands to pybabel), so a string added anywhere without a translation
fails here, whether or not locales/messages.pot was regenerated.
"""

from __future__ import annotations

import fnmatch
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages import frontend as babel_frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from export_mgmt import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
CATALOG_LOCALES = ("zh_CN", "en")

# Mirrors --ignore-dirs in scripts/i18n.sh. Babel's default walk also skips "_*" directories,
# which would silently leave out templates/_macros and templates/_partials.
IGNORE_DIRS = (".*", "__pycache__")

# %(name)s, %(n)d, %(value).2f …; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def _parse_mapping(fileobj, filename: str):
    parse = getattr(babel_frontend, "parse_mapping_cfg", None)
    if parse is None:  # Babel < 2.15
        parse = babel_frontend.parse_mapping
    return parse(fileobj, filename)


def _keep_directory(dirpath: str) -> bool:
    name = os.path.basename(dirpath)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORE_DIRS)


@cache
def extracted_messages() -> dict[Key, tuple[str | tuple[str, str], list[str]]]:
    """(msgctxt, msgid) -> (message as extracted, ["file:line", …])."""
    cfg = ROOT / "babel.cfg"
    with cfg.open(encoding="utf-8") as fh:
        method_map, options_map = _parse_mapping(fh, str(cfg))
    found: dict[Key, tuple[str | tuple[str, str], list[str]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, directory_filter=_keep_directory
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = found.setdefault((context, msgid), (message, []))
        entry[1].append(f"{filename}:{lineno}")
    return found


@cache
def catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _describe(key: Key, where: list[str]) -> str:
    context, msgid = key
    label = f"{context}|{msgid!r}" if context else repr(msgid)
    return f"  {label}  ({', '.join(where[:3])})"


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_extraction_finds_messages_everywhere():
    """Guard against a mapping that silently stops matching a part of the tree."""
    files = {where.split(":", 1)[0].replace(os.sep, "/")
             for _message, locations in extracted_messages().values() for where in locations}
    for prefix in ("export_mgmt/", "templates/", "templates/_macros/", "templates/_partials/"):
        assert any(name.startswith(prefix) for name in files), f"no messages extracted under {prefix}"


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_catalog_translates_every_message(locale):
    po = catalog(locale)
    missing, fuzzy, empty, wrong_plural = [], [], [], []
    for key, (message, where) in sorted(extracted_messages().items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        context, msgid = key
        entry = po.get(msgid, context=context)
        if entry is None:
            missing.append(_describe(key, where))
            continue
        if entry.fuzzy:
            fuzzy.append(_describe(key, where))
        is_plural = isinstance(message, tuple)
        if is_plural != entry.pluralizable or (is_plural and tuple(entry.id) != tuple(message)):
            wrong_plural.append(_describe(key, where) + f"  catalog has {entry.id!r}")
            continue
        forms = list(entry.string) if entry.pluralizable else [entry.string]
        if entry.pluralizable and len(forms) != po.num_plurals:
            wrong_plural.append(_describe(key, where) + f"  has {len(forms)} forms, needs {po.num_plurals}")
        if not all(forms):
            empty.append(_describe(key, where))
    problems = [
        (f"not in locales/{locale}/LC_MESSAGES/messages.po (run scripts/i18n.sh, then translate)", missing),
        ("marked fuzzy", fuzzy),
        ("without a translation", empty),
        ("with a different singular/plural form", wrong_plural),
    ]
    report = [f"{len(items)} message(s) {what}:\n" + "\n".join(items) for what, items in problems if items]
    assert not report, f"{locale} catalog incomplete:\n" + "\n".join(report)


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_translations_keep_placeholders(locale):
    po = catalog(locale)
    wrong = []
    for key, (message, where) in extracted_messages().items():
        entry = po.get(key[1], context=key[0])
        if entry is None or not entry.string:
            continue  # reported by test_catalog_translates_every_message
        if isinstance(message, tuple) and entry.pluralizable:
            singular, plural = (_placeholders(text) for text in message)
            for index, form in enumerate(entry.string):
                # Every form may be used for an n other than 1; form 0 may follow the singular.
                allowed = (plural, singular) if index == 0 else (plural,)
                if form and _placeholders(form) not in allowed:
                    wrong.append(_describe(key, where) + f"  msgstr[{index}] {form!r}")
        elif isinstance(entry.string, str):
            if _placeholders(entry.string) != _placeholders(key[1]):
                wrong.append(_describe(key, where) + f"  msgstr {entry.string!r}")
    assert not wrong, f"{locale}: translations whose %(name)s placeholders differ from the msgid:\n" + "\n".join(
        wrong
    )


def _formats(text: str) -> bool:
    try:
        text % {name: 1 for name in _placeholders(text)}
    except (ValueError, TypeError, KeyError):
        return False
    return True


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_translations_survive_formatting(locale):
    """Templates always %-format (Jinja new-style gettext), Python code does when given parameters:
    a stray "%" in such a translation would raise at render time instead of showing the page."""
    po = catalog(locale)
    broken = []
    for key, (message, where) in extracted_messages().items():
        entry = po.get(key[1], context=key[0])
        if entry is None:
            continue
        texts = message if isinstance(message, tuple) else (message,)
        formatted = any(_placeholders(text) for text in texts) or any(
            w.replace(os.sep, "/").startswith("templates/") for w in where
        )
        forms = entry.string if isinstance(entry.string, (list, tuple)) else (entry.string,)
        if formatted:
            broken += [_describe(key, where) + f"  msgstr {form!r}" for form in forms if form and not _formats(form)]
    assert not broken, f"{locale}: translations that break %-formatting (write a literal % as %%):\n" + "\n".join(
        broken
    )


def test_chinese_catalog_has_one_plural_form():
    assert catalog("zh_CN").num_plurals == 1


def test_negotiate_picks_supported_locales():
    assert i18n.negotiate("en-US,en;q=0.9") == "en"
    assert i18n.negotiate("zh-Hans-CN") == "zh_CN"
    assert i18n.negotiate("fr") is None


def test_normalize_locale_accepts_babel_identifiers():
    assert i18n.normalize_locale("zh_Hans_CN") == "zh_CN"


def test_runtime_loader_reads_the_chinese_catalog():
    translations = i18n.load_catalog(LOCALES_DIR, "zh_CN")
    text = translations.gettext("Sign in")
    assert text != "Sign in"
    assert re.search(r"[\u4e00-\u9fff]", text), text
