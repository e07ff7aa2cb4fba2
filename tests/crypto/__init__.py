"""Tests of tgfleet.crypto: published vectors (docs/test-vectors.md), tampering and hostile input."""
