"""``tgfleet.net`` on its own: proxy forms, connections through MTProxy, and the sender over real loopback
connections to the sandbox (directly or through a relay that breaks the stream on command)."""
