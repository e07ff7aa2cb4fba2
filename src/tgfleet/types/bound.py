"""How a type's bound methods (``message.reply_text``...) reach the client it was built with.

They call the client method of Pyrogram's name with Pyrogram's keyword arguments, leaving out the ones
not given, so a method works as soon as the client has it; until then the call raises
:class:`ClientMethodMissing` naming the method.
"""

from __future__ import annotations

from typing import Any, Protocol


class ClientMethodMissing(NotImplementedError):
    """A bound method needs a client method this client does not have (yet), or the object has no client.
    Call the client's own API instead, or bind the object to a client first (``obj.bind(client)``)."""


class MessagesClient(Protocol):
    """The client methods a bound ``Message`` calls (Pyrogram's names); each is optional."""

    async def send_message(self, chat_id: int | str, text: str, **kwargs: Any) -> Any: ...


def call_client(client: Any, method: str, **arguments: Any) -> Any:
    """``client.<method>(**arguments)`` without the arguments that are None: the coroutine to await (or, for
    a client in the synchronous style, its result). Nothing is awaited here, so the sync style costs the
    async path nothing."""
    if client is None:
        raise ClientMethodMissing(f"this object is bound to no client, so it cannot call Client.{method}")
    function = getattr(client, method, None)
    if function is None:
        raise ClientMethodMissing(f"{type(client).__name__}.{method} is not available yet")
    return function(**{k: v for k, v in arguments.items() if v is not None})
