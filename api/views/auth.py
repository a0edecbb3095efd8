"""Tokens for systems: one per user, obtained with a password, revoked by its holder.

Obtaining a token is limited per client address and per username tried
(api.throttles), on top of django-axes' lockout after repeated failures.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.fields import Text
from api.throttles import AuthAddressThrottle, AuthUserThrottle


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenRequestSerializer(AuthTokenSerializer):
    """A username (text up to the user table's column) and a password (text up to 4,096)."""

    username = Text(
        label=_("Username"),
        max_length=get_user_model()._meta.get_field("username").max_length,
        write_only=True,
    )
    password = Text(
        label=_("Password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        write_only=True,
    )


class TokenView(APIView):
    throttle_classes = [AuthAddressThrottle, AuthUserThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        examples=[examples.TOKEN_REQUEST, examples.TOKEN],
        auth=[],
    )
    def post(self, request):
        """Your token (the same one until you revoke it): send it as `Authorization: Token …`."""
        form = TokenRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=form.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke your token: requests with it are refused from now on."""
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
