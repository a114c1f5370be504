"""The rules that drop lines which are not claims (``ingest.boilerplate``)."""

import pytest

from annotations.ingest.boilerplate import RULES, paragraph_rule, sentence_rule


@pytest.mark.parametrize(
    "paragraph, rule",
    [
        ("", "empty line"),
        ("   \t\r", "empty line"),
        ("Advertisement", "advertisement"),
        ("  ADVERTISEMENT ", "advertisement"),
        ("This is read by an automated voice. Please report any issues or inconsistencies here .",
         "read-aloud notice"),
        ("Advertisement revenue fell 12 percent last year.", None),
        ("The announcement was read by an automated voice on state radio.", None),
    ],
)  # fmt: skip
def test_paragraph_rules(paragraph, rule):
    found = paragraph_rule(paragraph)

    assert (found.name if found else None) == rule


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("Rodríguez writes for the Associated Press.", "reporter credit"),
        ("Megan Janetsky writes for Reuters.", "reporter credit"),
        ("Associated Press reporters Megan Janetsky in Mexico City and Darlene Superville aboard "
         "Air Force One contributed to this report.", "reporter credit"),
        ("Jane Doe contributed reporting to this story.", "reporter credit"),
        ("(Reporting by Jane Doe; Editing by John Roe)", "reporter credit"),
        ("Read more.", "too short"),
        ("Maduro was captured.", "too short"),
        ("Maduro was captured Saturday.", None),
        ("Cuba said 32 officers were killed in the U.S. strikes.", None),
        ("The paper said its reporters contributed to the inquiry.", None),
    ],
)  # fmt: skip
def test_sentence_rules(sentence, rule):
    found = sentence_rule(sentence)

    assert (found.name if found else None) == rule


def test_every_rule_has_a_name_and_a_known_scope():
    assert all(rule.name and rule.scope in ("paragraph", "sentence") for rule in RULES)
