"""The API's throttles, keyed on the client's address as the sign-in lock-out sees it.

DRF's own key an anonymous caller on ``X-Forwarded-For`` as the client wrote it (without
``NUM_PROXIES``): a new header on each request was a new caller, never throttled. Here the address
is ``factcheck.security.client_ip``: the peer's, or behind ``DJANGO_PROXY_COUNT`` proxies the one
the outermost proxy saw. The counts are still kept in each worker's memory (Django's default cache).
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from factcheck.security import client_ip


class AddressMixin:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonymousThrottle(AddressMixin, AnonRateThrottle):
    """Anonymous requests (the token endpoint, the schema), per client address."""


class UserThrottle(AddressMixin, UserRateThrottle):
    """Each signed-in user's requests (anonymous ones by address, as ``AnonymousThrottle``)."""
