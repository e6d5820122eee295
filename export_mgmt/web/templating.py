"""The Jinja environment: gettext installed once, Babel formatters and labels as globals."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from export_mgmt import i18n
from export_mgmt.accounts.labels import ROLES
from export_mgmt.audit import labels as audit_labels
from export_mgmt.idnumber import mask
from export_mgmt.regions import county_name, shenyang_counties, townships_of
from export_mgmt.settings import Settings
from export_mgmt.web.session import csrf_token
from export_mgmt.workers import labels

# Dates are kept in the audit trail as ISO text; people read them in their language.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _label(mapping: dict[str, str], code: Any) -> str:
    text = mapping.get(code if code is not None else "")
    return i18n.gettext(text) if text else str(code or "")


def _audit_value(field: str, value: Any, entity: str = "") -> str:
    """An audit value as people read it: coded values by their label, counties by name."""
    if value is None or value == "":
        return ""
    mapping = audit_labels.value_labels(entity, field)
    if mapping:
        return _label(mapping, value)
    if field == "preferred_destinations":
        return ", ".join(_label(labels.DESTINATIONS, code) for code in str(value).split(",") if code)
    if field == "county_code":
        return f"{county_name(str(value)) or ''} ({value})"
    if isinstance(value, bool):
        return i18n.gettext("Yes") if value else i18n.gettext("No")
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return i18n.format_date(dt.date.fromisoformat(value))
    return str(value)


def build_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(settings.templates_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: i18n.gettext(s),
        ngettext=lambda s, p, n: i18n._translations(i18n.get_locale()).ngettext(s, p, n),
        pgettext=lambda c, s: i18n.pgettext(c, s),
        newstyle=True,
    )
    env.globals.update(
        labels=labels,
        role_labels=ROLES,
        audit_labels=audit_labels,
        audit_value=_audit_value,
        label=_label,
        county_name=county_name,
        shenyang_counties=shenyang_counties,
        townships_of=townships_of,
        locales=i18n.LOCALE_NAMES,
        get_locale=i18n.get_locale,
    )
    env.filters.update(
        date=i18n.format_date,
        datetime=i18n.format_datetime,
        number=i18n.format_number,
        money=i18n.format_money,
        mask=mask,
    )
    return env


def template_config(settings: Settings) -> TemplateConfig:
    engine = JinjaTemplateEngine.from_environment(build_environment(settings))
    return TemplateConfig(instance=engine)


def page_context(request: Request, **context: Any) -> dict[str, Any]:
    """What every page needs besides its own data."""
    state = request.scope.get("state", {})
    return {"actor": state.get("actor"), "csrf_token": csrf_token(state), "unread": state.get("unread", 0),
            **context}
