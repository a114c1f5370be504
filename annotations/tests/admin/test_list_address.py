"""A list page's address takes the list's own filters, search, sort and page, and nothing the database
would refuse: a lookup the list does not offer (``?text__regex=(``) or a NUL character in any value
is left out with a message, never passed on to the database (a 500 before)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from annotations.admin import common

from .conftest import staff

pytestmark = pytest.mark.django_db

LISTS = {
    "claims": "/admin/annotations/claim/",
    "documents": "/admin/annotations/sourcedocument/",
    "history": "/admin/annotations/reviewevent/",
    "imports": "/admin/annotations/import/",
    "feeds": "/admin/annotations/feed/",
}


def shown_errors(client, response) -> list[str]:
    page = client.get(response["Location"])
    assert page.status_code == 200
    return [str(m) for m in page.context["messages"] if m.level_tag == "error"]


@pytest.mark.parametrize(
    ("name", "query", "dropped"),
    [
        ("claims", "status__exact=%00", ["status__exact"]),
        ("claims", "attributed=%00", ["attributed"]),
        ("claims", "document=1%00", ["document"]),
        ("claims", "q=minister%00", ["q"]),
        ("claims", "o=%00", ["o"]),
        ("claims", "verdict__exact=%00", ["verdict__exact"]),
        ("history", "action__exact=%00", ["action__exact"]),
        ("documents", "origin__exact=%00", ["origin__exact"]),
        ("imports", "status__exact=%00", ["status__exact"]),
        ("feeds", "active__exact=%00", ["active__exact"]),
    ],
)
def test_a_nul_in_a_filter_is_left_out_with_a_message(client, editor, claim, name, query, dropped):
    staff(client, editor)
    response = client.get(f"{LISTS[name]}?{query}&p=1")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"p": ["1"]}
    assert shown_errors(client, response) == [common.MSG_LIST_NUL.format(names=", ".join(dropped))]


@pytest.mark.parametrize(
    ("name", "query", "dropped"),
    [
        ("claims", "text__regex=(", "text__regex"),
        ("claims", "text__iregex=%5B", "text__iregex"),
        ("claims", "assignee__password__startswith=pbkdf2", "assignee__password__startswith"),
        ("claims", "verdict__regex=(", "verdict__regex"),
        ("history", "comment__regex=(", "comment__regex"),
        ("documents", "text__regex=(", "text__regex"),
    ],
)
def test_a_lookup_the_list_does_not_offer_is_left_out_with_a_message(client, editor, claim, name, query, dropped):
    staff(client, editor)
    response = client.get(f"{LISTS[name]}?{query}")
    assert response.status_code == 302
    assert response["Location"] == LISTS[name]
    assert shown_errors(client, response) == [common.MSG_LIST_PARAMETERS.format(names=dropped)]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("claims", "status__exact=all&worth=high&assignee=me&review=mine&attributed=yes&q=minister&o=2&p=1"),
        ("claims", "verdict__exact=disputed&has_number=yes&has_quote=no&source_changed=no&dismissal_reason=opinion"),
        ("claims", "document=1&p=1"),
        ("history", "action__exact=approved"),
        ("documents", "origin__exact=upload&q=report"),
        ("imports", "status__exact=done&origin__exact=url"),
        ("feeds", "active__exact=1"),
    ],
)
def test_the_lists_own_filters_are_taken_as_they_are(client, editor, claim, name, query):
    staff(client, editor)
    response = client.get(f"{LISTS[name]}?{query}")
    assert response.status_code == 200
    assert not [m for m in response.context["messages"] if m.level_tag == "error"]
