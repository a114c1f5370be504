"""The API's JSON parser: DRF's, with a body nested too deeply refused as malformed (400), not a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MSG_TOO_DEEP = "JSON parse error - the body is nested too deeply."


class JSONBodyParser(JSONParser):
    """DRF's JSON parser; Python's decoder raises ``RecursionError`` on about 1,000 levels of nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(MSG_TOO_DEEP) from None
