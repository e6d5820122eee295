"""The Cookie header as browsers and API clients send it, read into name -> value."""

from export_mgmt.web.session import _cookies


def cookies(header: bytes | None) -> dict[str, str]:
    return _cookies({"headers": [(b"host", b"x")] + ([(b"cookie", header)] if header is not None else [])})


def test_pairs_separated_by_semicolons_with_or_without_spaces():
    assert cookies(b"em_session=abc-_123; em_lang=en;em_anon=xyz") == {
        "em_session": "abc-_123", "em_lang": "en", "em_anon": "xyz"}


def test_a_quoted_value_is_unquoted_and_an_equals_sign_inside_a_value_kept():
    assert cookies(b'a="quoted value"; b=x=y') == {"a": "quoted value", "b": "x=y"}


def test_an_odd_piece_is_skipped_without_losing_the_other_cookies():
    # SimpleCookie, used before, dropped every cookie of a header with one piece it could not parse.
    assert cookies(b"junk; =novalue; em_session=abc; ;") == {"em_session": "abc"}


def test_no_cookie_header_or_an_empty_one_gives_no_cookies():
    assert cookies(None) == {}
    assert cookies(b"") == {}
