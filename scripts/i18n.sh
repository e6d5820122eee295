#!/usr/bin/env bash
# Translation catalogs: extract messages from the source and merge them into the .po files.
#
#   scripts/i18n.sh            extract, then update (the usual run)
#   scripts/i18n.sh extract    source -> locales/messages.pot
#   scripts/i18n.sh update     locales/messages.pot -> locales/{zh_CN,en}/LC_MESSAGES/messages.po
#   scripts/i18n.sh fill-en    copy each msgid into empty msgstrs of the English catalog
#
# Uses $PYBABEL if set, else the pybabel next to $PYTHON (default: the first python on PATH),
# else "$PYTHON -m babel.messages.frontend".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOCALES=(zh_CN en)
DOMAIN=messages
POT=locales/messages.pot
# Directories skipped while walking the tree. Babel's own default also skips "_*" directories,
# which would miss templates/_macros and templates/_partials; tests/unit/test_translations.py
# walks the tree with the same patterns.
IGNORE_DIRS=".* __pycache__"

PYTHON="${PYTHON:-$(command -v python || command -v python3 || true)}"
if [[ -n "$PYTHON" ]]; then
    # Resolve launcher shims (pyenv, …) to the interpreter itself, whose bin/ holds its pybabel.
    PYTHON="$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null || echo "$PYTHON")"
fi
if [[ -z "${PYBABEL:-}" ]]; then
    if [[ -n "$PYTHON" && -x "$(dirname "$PYTHON")/pybabel" ]]; then
        PYBABEL="$(dirname "$PYTHON")/pybabel"
    elif [[ -n "$PYTHON" ]]; then
        PYBABEL="$PYTHON -m babel.messages.frontend"
    else
        echo "i18n.sh: no python found; set PYTHON or PYBABEL" >&2
        exit 1
    fi
fi

pybabel() {
    # $PYBABEL may be a command with arguments ("python -m babel.messages.frontend").
    # shellcheck disable=SC2086
    $PYBABEL "$@"
}

extract() {
    mkdir -p locales
    pybabel extract \
        --mapping-file=babel.cfg \
        --ignore-dirs="$IGNORE_DIRS" \
        --sort-by-file \
        --add-comments=TRANSLATORS: \
        --project=export-mgmt \
        --copyright-holder="City Labour and Social Security Bureau" \
        --output-file="$POT" \
        .
}

update() {
    if [[ ! -f "$POT" ]]; then
        echo "i18n.sh: $POT is missing; run '$0 extract' first" >&2
        exit 1
    fi
    local locale po
    for locale in "${LOCALES[@]}"; do
        po="locales/$locale/LC_MESSAGES/$DOMAIN.po"
        if [[ -f "$po" ]]; then
            pybabel update --input-file="$POT" --output-dir=locales --domain="$DOMAIN" \
                --locale="$locale" --no-fuzzy-matching
        else
            pybabel init --input-file="$POT" --output-dir=locales --domain="$DOMAIN" --locale="$locale"
        fi
    done
}

fill_en() {
    # English msgids are the English interface text: an untranslated entry becomes its own msgid.
    "${PYTHON:?set PYTHON}" - "locales/en/LC_MESSAGES/$DOMAIN.po" <<'PY'
import sys
from babel.messages.pofile import read_po, write_po

path = sys.argv[1]
with open(path, "rb") as fh:
    catalog = read_po(fh, locale="en")
filled = 0
for message in catalog:
    if not message.id:
        continue
    if isinstance(message.id, (list, tuple)):
        if not all(message.string or ()):
            message.string = (message.id[0], message.id[1])
            filled += 1
    elif not message.string:
        message.string = message.id
        filled += 1
    message.flags.discard("fuzzy")
with open(path, "wb") as fh:
    write_po(fh, catalog)
print(f"filled {filled} English entries in {path}")
PY
}

case "${1:-all}" in
    extract) extract ;;
    update) update ;;
    fill-en) fill_en ;;
    all) extract && update ;;
    *)
        echo "usage: $0 [extract|update|fill-en]" >&2
        exit 2
        ;;
esac
