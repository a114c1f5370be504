"""The rules that drop page furniture and fragments (``ingest.boilerplate``)."""

import pytest

from annotations.ingest.boilerplate import RULES, line_rules, paragraph_rule, sentence_rule


@pytest.mark.parametrize(
    "paragraph, rule",
    [
        ("", "empty line"),
        ("   \t\r", "empty line"),
        ("Advertisement", "advertisement"),
        ("  ADVERTISEMENT ", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("This is read by an automated voice. Please report any issues or inconsistencies here .",
         "read-aloud notice"),
        # Bylines
        ("By Maria Okafor and Tom Lindqvist, Associated Press", "byline"),
        ("By Jane Doe | The Times", "byline"),
        ("By JANE DOE", "byline"),
        ("By Jane Doe, Staff Writer", "byline"),
        ("Story by Daniel Park • 1d • 3 min read", "byline"),
        ("By Tuesday, the river had crested at 27 feet.", None),
        ("By Tuesday afternoon, 312 people were staying in three shelters.", None),
        ("Updated 6:42 PM EST, March 3, 2026", "timestamp"),
        ("Published 3 hours ago", "timestamp"),
        # Photo credits and captions
        ("Residents wade through a flooded street, Tuesday, March 3, 2026. (AP Photo/Evan Vucci)", "photo credit"),
        ("(AP Photo/Evan Vucci)", "photo credit"),
        ("Photo Credit: Sam Reyes/The Courier", "photo credit"),
        ("Image source, Getty Images", "photo credit"),
        ("Image: A nurse checks a patient's blood pressure. © Valley Health Journal", "photo credit"),
        ("Image caption, Waves broke over the harbour wall at Ardmore", "photo credit"),
        ("People cool off in the fountains at Victoria Square. Picture: PA", "photo credit"),
        ("The Old Mill Bridge, which will be closed from April. Photograph: Ana Ruiz/The Ledger", "photo credit"),
        ("Containers at the port, March 1, 2026. MERIDIAN/Ines Duarte/File Photo Purchase Licensing Rights",
         "photo credit"),
        ("Pictures of the flooded streets spread quickly on social media.", None),
        # Copyright and rights
        ("© 2026 The Millbrook Courier. All rights reserved.", "copyright"),
        ("Copyright 2026 Continental Press. All rights reserved. This material may not be published.", "copyright"),
        ("All rights reserved", "copyright"),
        # Related links, read more, trending
        ("Related:", "related links"),
        ("Related: Nursing schools turned away 65,000 applicants last year", "related links"),
        ("Read more", "related links"),
        ("READ MORE: What to do when the power goes out in a heat wave", "related links"),
        ("More on this story", "related links"),
        ("More on Health", "related links"),
        ("Trending", "related links"),
        ("Related charges were dropped in 2024.", None),
        ("More than 300 people were evacuated on Monday.", None),
        # Newsletter and social prompts
        ("Sign up for our newsletter", "newsletter or social prompt"),
        ("Sign up for our Daily Digest newsletter and get the best of the web in your inbox.",
         "newsletter or social prompt"),
        ("Find us on Facebook", "newsletter or social prompt"),
        ("Follow us on X", "newsletter or social prompt"),
        ("Download the Channel 7 News app for the latest weather warnings", "newsletter or social prompt"),
        ("Share", "newsletter or social prompt"),
        ("The council's newsletter reported a 12% rise in complaints.", None),
        # Contact lines
        ("Jane Doe covers health for The Courier. Reach her at jdoe@courier.example or 555-0142.", "contact line"),
        ("Have a news tip? Call the newsroom at (555) 010-4477.", "contact line"),
        ("Tel: 555-0142", "contact line"),
        ("Consumers can call Hearthwell at 800-555-0123 from 8 a.m. to 8 p.m. ET Monday through Friday.", None),
        # Widgets
        ("72°F Partly cloudy", "widget"),
        ("Listen to this article 5 min", "widget"),
        ("Video duration 2:14 — Crowds seek shade in Valmont", "widget"),
        ('<iframe src="https://video.example/embed/8812" width="640" height="360"></iframe>', "widget"),
        ("Temperatures reached 109°F in Dunmore, the hottest reading there since 1995.", None),
        # Mastheads and page markers
        ("Vol. 14--No. 266", "masthead or page marker"),
        ("Vol. 131 -- No. 62", "masthead or page marker"),
        ("(Continued from page 14)", "masthead or page marker"),
        ("Continued on page A6", "masthead or page marker"),
        ("See MARKETS, Page B4", "masthead or page marker"),
        # Embedded posts
        ("Water is over the bridge. Do not try to cross. pic.twitter.com/Qx7rT2mWbd", "embedded post"),
        ("— Port Elm Police (@PortElmPolice) March 3, 2026", "embedded post"),
        ("A post shared by Metro Fire Department (@metrofire)", "embedded post"),
        # Notes about the article
        ("CP is solely responsible for all content.", "publication notice"),
        ("This article is republished from The Conversation under a Creative Commons license.", "publication notice"),
        ("When you buy through links on our site, we may earn a commission.", "publication notice"),
        ("Comments are closed.", "publication notice"),
        # Headings: short lines that do not end like a sentence, and one-question subheadings
        ("River crests above record in Port Elm as levee holds", "heading"),
        ("What is an amber weather warning?", "heading"),
        ("Key points:", "heading"),
        ("THE MILLBROOK COURIER", "heading"),
        ("• 30,000 homes lost power", None),
        ("1. The fee will be passed on to importers within weeks", None),
        ("Three operators set out their objections in a joint letter to the authority:", None),
        ("Is this climate change? Scientists said a temperature of 40C would have been impossible.", None),
        ("Advertisement revenue fell 12 percent last year.", None),
        ("The announcement was read by an automated voice on state radio.", None),
        ("Volume was high.", None),
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
        ("Lindqvist reported from Seattle.", "reporter credit"),
        ("Cole covers education for Continental Press.", "reporter credit"),
        ("Write to her at jdoe@courier.example.", "contact line"),
        ("Stay off the roads. pic.twitter.com/Qx7rT2mWbd", "embedded post"),
        ("Read more.", "related links"),
        ("Click here.", "related links"),
        ("Sign up for the Morning Wire newsletter.", "newsletter or social prompt"),
        ("Share.", "fragment"),
        ("Getty Images.", "fragment"),
        ("March 3, 2026.", "fragment"),
        ("Our Standards: The Meridian Trust Principles.", "fragment"),
        ("Photo: Reuters", "fragment"),
        ("Volume was high.", None),
        ("Maduro was captured.", None),
        ("Oil fell.", None),
        ('"If it sails."', None),
        ("Nobody was hurt.", None),
        ("Maduro was captured Saturday.", None),
        ("Cuba said 32 officers were killed in the U.S. strikes.", None),
        ("The paper said its reporters contributed to the inquiry.", None),
        ("Residents can read more than 300 pages of the report online.", None),
        ("الحكومة أعلنت الحداد لمدة يومين", None),
    ],
)  # fmt: skip
def test_sentence_rules(sentence, rule):
    found = sentence_rule(sentence)

    assert (found.name if found else None) == rule


def names(lines):
    return [rule.name if rule else None for rule in line_rules(lines)]


def test_an_embedded_post_is_its_text_and_its_attribution():
    lines = [
        "Police closed the bridge.",
        "",
        "Water is over the bridge near Hollis Road. Do not try to cross.",
        "— Port Elm Police (@PortElmPolice) March 3, 2026",
        "",
        "Schools stayed shut.",
    ]

    assert names(lines) == [None, "empty line", "embedded post", "embedded post", "empty line", None]


def test_the_links_under_a_list_label_are_the_list():
    lines = [
        "Related coverage",
        "Why levees built in the 1950s are failing",
        "Can flood insurance keep up as winters in the Northwest get wetter and warmer?",
        "",
        "What happens next?",
        "The river will fall by Friday.",
    ]

    assert names(lines) == ["related links", "heading", "related links", "empty line", "heading", None]


def test_a_caption_beside_a_credit_in_the_same_block_is_a_caption():
    lines = [
        "Photo Credit: Sam Reyes/The Courier",
        "Residents fill the council chambers on Monday night for the vote.",
        "",
        "The council voted 5-2 on Monday to spend $4.2 million on new storm drains.",
    ]

    assert names(lines) == ["photo credit", "photo credit", "empty line", None]


def test_without_blank_lines_between_paragraphs_a_credit_takes_no_neighbour():
    lines = [
        "Photo Credit: Sam Reyes/The Courier",
        "The council voted 5-2 on Monday to spend $4.2 million on new storm drains.",
        "Residents fill the council chambers on Monday night for the vote.",
    ]

    assert names(lines) == ["photo credit", None, None]


def test_a_huge_line_is_left_to_the_sentence_rules():
    line = "Sign up for our newsletter " * 100_000

    assert paragraph_rule(line) is None
    assert names([line]) == [None]


def test_every_rule_has_a_name_and_a_known_scope():
    assert all(rule.name and rule.scope in ("paragraph", "sentence") for rule in RULES)
    assert all((rule.pattern is None) != (rule.test is None) for rule in RULES)
