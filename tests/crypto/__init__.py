"""Tests of tgfleet.crypto: published vectors (shared/spec/test-vectors.md), tampering and hostile input."""
