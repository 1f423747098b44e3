"""The API token scheme in the OpenAPI schema (registered when the app is ready). Kept apart from
`accounts.api_auth`, which DRF imports while `rest_framework.views` itself is still loading."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from accounts.api_auth import TokenAuthentication


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`: a personal token created under *API tokens* in your account menu."}
