"""Decoding an uploaded file's bytes (``ingest.files.decode_bytes``): encodings, line ends, refusals."""

import dataclasses

import pytest

from annotations.ingest.files import Decoded, LoadError, decode_bytes, decode_text

FRENCH = "Les propriétaires du café ont déclaré que les prix avaient augmenté de 12 % depuis l'été, selon la mairie."
QUOTES = "The minister said “we will not resign” — and the café’s owner agreed… prices rose 5% in a year."
SPANISH = "El presidente de España dijo que el año pasado la economía creció un 3 por ciento, según el banco."
JAPANESE = "東京都は月曜日、新たに三十二人の感染者が確認されたと発表した。政府は対策を強化する方針だ。"
CHINESE = "国家统计局周一公布的数据显示，今年第一季度国内生产总值同比增长百分之五点三，高于市场预期。"
RUSSIAN = "Министерство заявило, что цены выросли на 12 процентов за год, а зарплаты почти не изменились."


# --- What is taken as it is ---------------------------------------------------------------------


def test_utf8_is_taken_as_it_is():
    text = "Díaz-Canel said “32 officers” died.\n\n  Indented\u2028line.\n"

    assert decode_bytes("a.txt", text.encode("utf-8")) == Decoded(text=text, encoding="utf-8", detected=False)


def test_a_utf8_byte_order_mark_is_dropped():
    decoded = decode_bytes("a.txt", b"\xef\xbb\xbfCaf\xc3\xa9 owners said prices rose.")

    assert decoded == Decoded(text="Café owners said prices rose.", encoding="utf-8", detected=False)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_byte_order_mark_names_the_encoding_and_is_dropped(codec):
    data = ("\ufeff" + QUOTES).encode(codec)

    assert decode_bytes("a.txt", data) == Decoded(text=QUOTES, encoding=codec[:6], detected=False)


# --- What is detected ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, codec, encoding",
    [
        (FRENCH, "latin-1", "cp1252"),  # Windows-1252 is Latin-1's superset: the same text
        (QUOTES, "cp1252", "cp1252"),
        (SPANISH, "cp1252", "cp1252"),  # a tie with Windows-1250 ("Espańa") goes to the commoner one
        ("Café society.", "latin-1", "cp1252"),
        (JAPANESE, "shift_jis", "cp932"),
        (CHINESE, "gb18030", "gb18030"),
        (CHINESE, "gbk", "gb18030"),
        (RUSSIAN, "cp1251", "cp1251"),
    ],
    ids=["latin-1", "windows-1252 quotes", "windows-1252 spanish", "latin-1 short", "shift-jis", "gb18030", "gbk",
         "windows-1251"],
)  # fmt: skip
def test_other_encodings_are_detected_and_say_so(text, codec, encoding):
    assert decode_bytes("a.txt", text.encode(codec)) == Decoded(text=text, encoding=encoding, detected=True)


def test_decode_text_gives_the_text_alone():
    assert decode_text("a.txt", QUOTES.encode("cp1252")) == QUOTES


def test_decoded_is_frozen():
    decoded = decode_bytes("a.txt", b"Some text.")

    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.text = "other"  # type: ignore[misc]


# --- Line ends ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, text",
    [
        ("First line.\rSecond line.\r\rNew paragraph.\r", "First line.\nSecond line.\n\nNew paragraph.\n"),
        ("Windows.\r\nUnix.\nMac.\rEnd.", "Windows.\nUnix.\nMac.\nEnd."),
        ("Lone then pair.\r\r\nEnd.", "Lone then pair.\n\nEnd."),
        ("Kept:\u2028separator,\x85next line,\x0cform feed.", "Kept:\u2028separator,\x85next line,\x0cform feed."),
    ],
    ids=["old mac", "mixed", "lone before pair", "other separators kept"],
)  # fmt: skip
def test_line_ends_become_newlines(raw, text):
    assert decode_bytes("a.txt", raw.encode("utf-8")).text == text


def test_line_ends_are_normalised_in_detected_and_utf16_text_too():
    assert decode_bytes("a.txt", (QUOTES + "\r" + QUOTES + "\r\n").encode("cp1252")).text == f"{QUOTES}\n{QUOTES}\n"
    assert decode_bytes("a.txt", "One.\r\nTwo.\rThree.".encode("utf-16")).text == "One.\nTwo.\nThree."


# --- Refusals -----------------------------------------------------------------------------------


PDF = "looks like a PDF, not text"
NO_ENCODING = "looks binary (not UTF-8, and no text encoding fits it)"
BROKEN_MARK = "is not {} though it starts with its byte order mark ({})"


@pytest.mark.parametrize(
    "data, reason",
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b" \n\t\r\n  \r", "is empty", id="blank"),
        pytest.param(b"\xef\xbb\xbf", "is empty", id="mark only"),
        pytest.param("\ufeff  \n".encode(), "is empty", id="mark and blank"),
        pytest.param(" \r\n".encode("utf-16"), "is empty", id="utf-16 blank"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", PDF, id="pdf"),
        pytest.param(b"\n  %PDF-1.4\nxref", PDF, id="pdf after blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary (NUL bytes)", id="png"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "looks binary (NUL bytes)", id="docx"),
        pytest.param("Plain text.".encode("utf-16-le"), "looks binary (NUL bytes)", id="utf-16 without its mark"),
        pytest.param("a\0b".encode("utf-16"), "looks binary (NUL characters)", id="nul character"),
        pytest.param(bytes(range(1, 32)) * 20 + b"\xff\xfe\xfd", NO_ENCODING, id="control bytes"),
        pytest.param(b"\xff\xd8\xff\xe0\x10JFIF\x01\x02\x01\x01\x2c\x01\x2c\x02\x03", NO_ENCODING, id="jpeg"),
        # UTF-8 with a Latin-1 fragment pasted in: no one encoding reads it.
        pytest.param("Díaz-Canel said “hello”".encode() + "café".encode("latin-1"), NO_ENCODING, id="mixed"),
        pytest.param(b"\xef\xbb\xbfok\xff", BROKEN_MARK.format("UTF-8", "invalid start byte at offset 5"),
                     id="bad utf-8"),
        pytest.param(b"\xff\xfeab\x00\xd8", BROKEN_MARK.format("UTF-16", "unexpected end of data at offset 4"),
                     id="bad utf-16"),
    ],
)  # fmt: skip
def test_refusals_name_the_file_and_the_reason_on_one_line(data, reason):
    with pytest.raises(LoadError) as caught:
        decode_bytes("uploads/article.txt", data)

    assert caught.value.reason == reason
    assert caught.value.path == "uploads/article.txt"
    assert str(caught.value) == f"uploads/article.txt: {reason}"
    assert "\n" not in str(caught.value)
