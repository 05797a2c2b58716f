"""A software FIDO2 authenticator for the tests: one ES256 key, "none" attestation, and the
WebAuthn JSON serialization (base64url fields) a browser would post."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor

FLAG_USER_PRESENT = 0x01
FLAG_ATTESTED = 0x40
COSE_EC2, COSE_ES256, COSE_P256 = 2, -7, 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    def __init__(self, origin: str):
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.aaguid = bytes(16)
        self.sign_count = 0

    def register(self, options: dict[str, Any]) -> dict[str, Any]:
        """``navigator.credentials.create()`` for the options of ``PUT /auth/fido``."""
        client_data = self._client_data("webauthn.create", options["challenge"])
        attested = (
            self.aaguid
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cbor.encode(self._cose_public_key())
        )
        auth_data = self._auth_data(options["rp"]["id"], FLAG_USER_PRESENT | FLAG_ATTESTED)
        attestation = cbor.encode({"fmt": "none", "attStmt": {}, "authData": auth_data + attested})
        return self._credential(
            {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation)}
        )

    def authenticate(self, options: dict[str, Any]) -> dict[str, Any]:
        """``navigator.credentials.get()`` for the options of ``GET /auth/fido``."""
        allowed = [item["id"] for item in options.get("allowCredentials", [])]
        assert b64url(self.credential_id) in allowed, "this authenticator is not allowed"
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = self._auth_data(options["rpId"], FLAG_USER_PRESENT)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return self._credential(
            {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            }
        )

    def _client_data(self, ceremony: str, challenge: str) -> bytes:
        data = {"type": ceremony, "challenge": challenge, "origin": self.origin}
        return json.dumps({**data, "crossOrigin": False}, separators=(",", ":")).encode()

    def _auth_data(self, rp_id: str, flags: int) -> bytes:
        self.sign_count += 1
        rp_id_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_id_hash + struct.pack(">BI", flags, self.sign_count)

    def _cose_public_key(self) -> dict[int, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            1: COSE_EC2,
            3: COSE_ES256,
            -1: COSE_P256,
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }

    def _credential(self, response: dict[str, str]) -> dict[str, Any]:
        credential_id = b64url(self.credential_id)
        return {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
        }
