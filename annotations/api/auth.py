"""Signing in for an API token: throttled per address, locked out per username and address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from factcheck.security import lockout_response

from .parsers import JSONBodyParser
from .throttles import AnonymousThrottle


class TokenInput(AuthTokenSerializer):
    # No longer than a username can be: the failure log (django-axes) stores what was tried.
    username = serializers.CharField(
        label="Username", write_only=True, max_length=get_user_model()._meta.get_field("username").max_length
    )


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token.

    The serializer authenticates with the request, so django-axes counts the failures as it does for
    the admin's login form; a locked-out username and address get 429 with the reason (DRF alone
    would answer 400, as for a wrong password). A token is a sign-in: it sends the admin login's
    signal, which records it (``last_login``, axes' access log) and clears the failures.
    """

    # DRF's token view is not throttled by default: limit password guessing like anonymous calls.
    throttle_classes = [AnonymousThrottle]
    serializer_class = TokenInput
    parser_classes = [JSONBodyParser, FormParser, MultiPartParser]  # DRF's token view names its own

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes flags the request it was given: DRF's, not Django's underneath.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token.key})
