"""End to end: tgfleet.Client against a multi-DC sandbox over loopback, one test per process and error of
docs/requirements.md."""
