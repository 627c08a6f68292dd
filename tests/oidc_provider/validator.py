"""The provider's claims, and its test-only ways to misbehave.

A client's *name* picks how its ID tokens go wrong, so each test chooses one by using that
client's id: `wrong-aud` (issued for another client), `expired` (exp an hour ago),
`wrong-nonce` (not the nonce the sign-in sent), `wrong-key` (signed with a key the provider
does not publish, under the published key's id). Any other name behaves.

Claims like SURFconext's: `email_verified` is false for users whose username starts with
`unverified`; `schac_home_organization` is the domain of the user's address.
"""

import json
import time

from django.db import transaction
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

WRONG_AUD = "wrong-aud"
EXPIRED = "expired"
WRONG_NONCE = "wrong-nonce"
WRONG_KEY = "wrong-key"


class TestProviderValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "schac_home_organization": "profile",
    }

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith("unverified"),
            "name": f"{user.first_name} {user.last_name}".strip(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "schac_home_organization": user.email.rsplit("@", 1)[-1],
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        mode = request.client.name
        if mode == WRONG_AUD:
            claims["aud"] = "a-client-of-someone-else"
        elif mode == EXPIRED:
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        elif mode == WRONG_NONCE:
            claims["nonce"] = "not-the-nonce-of-this-sign-in"
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        if request.client.name != WRONG_KEY:
            return super().finalize_id_token(id_token, token, token_handler, request)
        # As the parent, but signed with a key of its own under the published key's id.
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        header = {"typ": "JWT", "alg": "RS256", "kid": request.client.jwk_key.thumbprint()}
        forged = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return forged.serialize()
