"""A FastAPI resource server that trusts Taskvault's access tokens without sharing a secret.

It fetches Taskvault's public keys from GET /api/auth/jwks (PyJWT's PyJWKClient, cached) and
verifies each Bearer token itself: Ed25519 signature (EdDSA only), typ at+jwt (RFC 9068), issuer,
audience, expiry. Run it with Debian's packages (python3-fastapi python3-jwt python3-uvicorn
python3-cryptography):

    TASKVAULT_URL=http://localhost:3000 python3 -m uvicorn app:app --port 8000
    curl -H "authorization: Bearer $TOKEN" localhost:8000/whoami

Settings (environment):
    TASKVAULT_URL       Taskvault's PUBLIC_URL: the issuer, and where the JWKS is fetched
    TASKVAULT_JWKS_URL  the JWKS, if reached at another address (default TASKVAULT_URL/api/auth/jwks)
    TASKVAULT_AUDIENCE  default TASKVAULT_URL/api, as Taskvault issues
    TASKVAULT_LEEWAY    clock skew accepted on exp/iat, seconds (default 30, as Taskvault's own)
    TASKVAULT_JWKS_TTL  seconds the key set is cached (default 60); an unknown kid refetches at once
"""

import os
from typing import Any, Dict, Optional

import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

TASKVAULT_URL = os.environ.get("TASKVAULT_URL", "http://localhost:3000").rstrip("/")
ISSUER = TASKVAULT_URL
AUDIENCE = os.environ.get("TASKVAULT_AUDIENCE", f"{TASKVAULT_URL}/api")
JWKS_URL = os.environ.get("TASKVAULT_JWKS_URL", f"{TASKVAULT_URL}/api/auth/jwks")
LEEWAY = int(os.environ.get("TASKVAULT_LEEWAY", "30"))

# The only algorithm accepted, whatever a token's header claims: no "none", and no HS256 keyed with
# the public key (the classic algorithm-confusion attack).
ALGORITHM = "EdDSA"
TOKEN_TYPE = "at+jwt"

# The key set is cached; a token whose kid is not in it makes PyJWKClient refetch once, which is
# how a key rotated in Taskvault (`npm run keys -- rotate`) is picked up with no restart. A retired
# key drops out when the cache expires, hence a short TTL.
jwks_client = jwt.PyJWKClient(JWKS_URL, lifespan=int(os.environ.get("TASKVAULT_JWKS_TTL", "60")))

bearer = HTTPBearer(auto_error=False)


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def verify_jwt(credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> Dict[str, Any]:
    """The verified claims of the request's Taskvault access token, or 401."""
    if credentials is None:
        raise HTTPException(status_code=401, detail="Send a Taskvault access token as Authorization: Bearer <token>.",
                            headers={"WWW-Authenticate": "Bearer"})
    token = credentials.credentials
    try:
        header = jwt.get_unverified_header(token)
        # Checked before any key is looked up, so a forged header costs no JWKS request.
        if header.get("alg") != ALGORITHM:
            raise unauthorized("The token is not signed with EdDSA.")
        if header.get("typ") != TOKEN_TYPE:
            raise unauthorized("The token is not an access token (typ at+jwt).")
        signing_key = jwks_client.get_signing_key_from_jwt(token)
        return jwt.decode(
            token,
            signing_key.key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientError:
        raise unauthorized("The token's signing key is not one of Taskvault's.")
    except jwt.InvalidTokenError as error:
        raise unauthorized(f"The token is invalid: {error}.")


app = FastAPI(title="Taskvault resource server example")


@app.get("/whoami")
def whoami(claims: Dict[str, Any] = Depends(verify_jwt)) -> Dict[str, Any]:
    """The Taskvault user the token was issued to."""
    return {"userId": claims["sub"], "sessionId": claims.get("sid"), "expiresAt": claims["exp"]}


@app.get("/health")
def health() -> Dict[str, str]:
    return {"status": "ok"}
