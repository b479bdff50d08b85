"""Write tokens: created by the operator on the command line, kept only as salted scrypt hashes.

Why it is built this way:

- A token is `ss_<id>_<secret>`: the id (public, 8 hex digits) finds its record without hashing against
  every record, the secret (32 random bytes) is what proves possession. The file keeps the id, the name,
  the salt and `scrypt(secret, salt)`; the token itself is printed once and never stored.
- scrypt (RFC 7914, n=2**14, r=8, p=1) makes a stolen file expensive to brute-force; comparison is
  `hmac.compare_digest`, and an unknown id still costs one hash, so timing tells nothing about which ids exist.
- The file sits beside the store (`<store stem>.tokens.json`), mode 0600, replaced atomically on change; the
  server re-reads it on every write request, so `sectorscope token revoke` takes effect at once.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError

__all__ = ["TokenRecord", "TokenStore", "parse_bearer", "tokens_path_for"]

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_TOKEN = re.compile(r"^ss_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")


def tokens_path_for(store_path: str | Path) -> Path:
    """Where the tokens of a store are kept: beside it, `<stem>.tokens.json`."""
    p = Path(store_path)
    return p.with_name(f"{p.stem}.tokens.json")


def _hash(secret: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hashlib.scrypt(secret.encode("ascii"), salt=salt, n=params["n"], r=params["r"], p=params["p"],
                          dklen=params["dklen"], maxmem=64 * 1024 * 1024)


def parse_bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class TokenRecord:
    """What the file keeps of a token (never the token)."""

    id: str
    name: str
    created: str
    salt: str
    hash: str
    n: int = _SCRYPT["n"]
    r: int = _SCRYPT["r"]
    p: int = _SCRYPT["p"]

    def public(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "created": self.created}


class TokenStore:
    """The tokens file of one store."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # ---- reading ----------------------------------------------------------------------------------
    def records(self) -> list[TokenRecord]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [TokenRecord(**r) for r in data.get("tokens", [])]
        except (ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"the tokens file is damaged ({exc}); move it away and create new tokens",
                             file=str(self.path)) from None

    def loose_permissions(self) -> bool:
        """True when others than the owner may read the file (it should be 0600)."""
        return self.path.exists() and bool(self.path.stat().st_mode & 0o077)

    # ---- writing ----------------------------------------------------------------------------------
    def _save(self, records: list[TokenRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        body = json.dumps({"tokens": [r.__dict__ for r in records]}, indent=1, ensure_ascii=False) + "\n"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def create(self, name: str) -> tuple[str, TokenRecord]:
        """A new token named `name`: returns the token (show it once) and the record kept."""
        if not _NAME.fullmatch(name or ""):
            raise InputError(f"token name {name!r}: use 1–64 letters, digits, _ . @ - (e.g. analyst-li)")
        records = self.records()
        if any(r.name == name for r in records):
            raise InputError(f"a token named {name!r} exists; revoke it first or choose another name")
        ids = {r.id for r in records}
        tid = secrets.token_hex(4)
        while tid in ids:
            tid = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        rec = TokenRecord(id=tid, name=name, created=datetime.now(UTC).isoformat(timespec="seconds"),
                          salt=salt.hex(), hash=_hash(secret, salt, _SCRYPT).hex())
        self._save([*records, rec])
        return f"ss_{tid}_{secret}", rec

    def revoke(self, name: str) -> TokenRecord:
        records = self.records()
        hit = [r for r in records if r.name == name or r.id == name]
        if not hit:
            raise InputError(f"no token named {name!r}; `sectorscope token list` shows them")
        self._save([r for r in records if r not in hit])
        return hit[0]

    # ---- checking ---------------------------------------------------------------------------------
    def verify(self, token: str | None) -> TokenRecord | None:
        """The record a token belongs to, or None. Costs one scrypt whatever the token."""
        m = _TOKEN.fullmatch(token or "")
        by_id = {r.id: r for r in self.records()}
        rec = by_id.get(m.group(1)) if m else None
        secret = m.group(2) if m else "x" * 43
        salt = bytes.fromhex(rec.salt) if rec else b"\0" * 16
        params = {"n": rec.n, "r": rec.r, "p": rec.p, "dklen": _SCRYPT["dklen"]} if rec else _SCRYPT
        digest = _hash(secret, salt, params)
        expected = bytes.fromhex(rec.hash) if rec else b"\1" * _SCRYPT["dklen"]
        return rec if hmac.compare_digest(digest, expected) and rec is not None else None
