"""Reading a document's file as text and its optional metadata (``ingest.files``)."""

import json
from datetime import date

import pytest

from annotations.ingest.files import (
    LoadError,
    Metadata,
    decode_text,
    read_metadata,
    read_text,
    title_from_file_name,
)

# --- Reading ------------------------------------------------------------------------------------


def test_read_text_keeps_the_text_exactly_but_for_line_ends(tmp_path):
    raw = "First line.\r\n\r\n  Indented “quote”  line.\rOld Mac line.\n\n\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(raw.encode("utf-8"))

    assert read_text(path) == "First line.\n\n  Indented “quote”  line.\nOld Mac line.\n\n\n"


def test_read_text_decodes_other_encodings(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café society.".encode("latin-1"))

    assert read_text(path) == "Café society."


def test_read_text_drops_only_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9 owners said prices rose.")

    assert read_text(path) == "Café owners said prices rose."


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "is empty"),
        (b" \n\t\r\n  \n", "is empty"),
        ("\ufeff  \n".encode(), "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary (NUL bytes)"),
        ("Plain text.".encode("utf-16-le"), "looks binary (NUL bytes)"),
        (b"\x01\x02\x03\xff", "looks binary (not UTF-8, and no text encoding fits it)"),
        (b"%PDF-1.7\n", "looks like a PDF, not text"),
    ],
)
def test_decode_text_refuses_with_a_one_line_reason(data, reason):
    with pytest.raises(LoadError) as caught:
        decode_text("seeds/x.txt", data)

    assert caught.value.reason == reason
    assert str(caught.value) == f"seeds/x.txt: {reason}"
    assert "\n" not in str(caught.value)


def test_read_text_of_a_folder_is_refused(tmp_path):
    with pytest.raises(LoadError, match="cannot be read"):
        read_text(tmp_path)


# --- Metadata -----------------------------------------------------------------------------------


def test_metadata_comes_from_the_json_file_beside_the_text(tmp_path):
    (tmp_path / "a.txt").write_text("Some text here for the claim.")
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "title": " Cuba says 32 of its citizens died ",
                "publisher": "BBC News",
                "url": "https://www.bbc.com/news/articles/x",
                "published": "2026-01-05",
            }
        )
    )

    assert read_metadata(tmp_path / "a.txt") == Metadata(
        title="Cuba says 32 of its citizens died",
        publisher="BBC News",
        url="https://www.bbc.com/news/articles/x",
        published_on=date(2026, 1, 5),
    )


def test_metadata_is_optional_and_may_be_partial(tmp_path):
    (tmp_path / "a.txt").write_text("Some text.")
    assert read_metadata(tmp_path / "a.txt") == Metadata()

    (tmp_path / "a.json").write_text('{"publisher": "AP", "url": null}')
    assert read_metadata(tmp_path / "a.txt") == Metadata(publisher="AP")


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"title": "x",}', "is not valid JSON (Expecting property name enclosed in double quotes "
                            "at line 1 column 15)"),
        ("[1, 2]", "must hold a JSON object with any of title, publisher, author, url, published, language"),
        ('{"date": "2026-01-05"}', "has an unknown field 'date' (expected any of title, "
                                   "publisher, author, url, published, language)"),
        ('{"title": 12}', "field 'title' must be a string, not 12"),
        ('{"published": "05/01/2026"}', "field 'published' must be a date as YYYY-MM-DD, "
                                        "not '05/01/2026'"),
        ('{"published": "2026-02-30"}', "field 'published' must be a date as YYYY-MM-DD, "
                                        "not '2026-02-30'"),
        ('{"url": "www.bbc.com/news"}', "field 'url' is not a full web address (it does not start with "
                                        "http:// or https://): 'www.bbc.com/news'"),
        ('{"url": "https://example.org/\\"x"}', "field 'url' contains '\"', which a web address cannot "
                                             "hold: 'https://example.org/\"x'"),
        ('{"publisher": "%s"}' % ("P" * 201), "field 'publisher' is too long (201 characters; "
                                              "at most 200)"),
        ("", "is empty"),
    ],
)  # fmt: skip
def test_bad_metadata_is_refused_naming_the_json_file(tmp_path, content, reason):
    (tmp_path / "a.txt").write_text("Some text.")
    (tmp_path / "a.json").write_text(content)

    with pytest.raises(LoadError) as caught:
        read_metadata(tmp_path / "a.txt")

    assert caught.value.path == str(tmp_path / "a.json")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "name, title",
    [
        ("000_cc4867dd70f73411.txt", "Document 000 cc4867dd70f73411"),
        ("cuba-death-toll_2026-01-04.txt", "Cuba death toll 2026-01-04"),
        ("maduro_capture.txt", "Maduro capture"),
        ("BBC_report 12.txt", "BBC report 12"),
        ("deadbeef.txt", "Deadbeef"),
        ("___.txt", "Document"),
    ],
)
def test_title_from_file_name(name, title):
    assert title_from_file_name(name) == title
