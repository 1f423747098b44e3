"""Counting guesses and submissions per client address (and in total) through the cache, so that the
limit holds across processes and replicas when the cache is Redis. Used by the public surfaces."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

ALL_ADDRESSES = "*"  # the key of a limit counted over every address at once


@dataclass(frozen=True)
class Throttle:
    name: str
    limit: int  # this many in a window, then refused until it ends
    window_seconds: int

    def _key(self, address: str | None) -> str:
        return f"throttle:{self.name}:{address or 'unknown'}"

    def exceeded(self, address: str | None) -> bool:
        return cache.get(self._key(address), 0) >= self.limit

    def count(self, address: str | None) -> None:
        """One more from this address (the window starts at its first)."""
        key = self._key(address)
        if not cache.add(key, 1, self.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.window_seconds)
