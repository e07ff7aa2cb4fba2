"""What a client tells Telegram about itself at the start of every connection
(https://core.telegram.org/api/invoking#saving-client-info): ``invokeWithLayer(initConnection(...))``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgfleet.tl import LAYER, TLFunction, functions


@dataclass(frozen=True, slots=True)
class InitParams:
    """The app's identity (api_id, device, versions, languages). ``wrap(query)`` puts ``query`` inside
    ``invokeWithLayer(initConnection(...))``, the form of every connection's first request."""

    api_id: int
    device_model: str
    system_version: str
    app_version: str
    lang_code: str = "en"
    system_lang_code: str = "en"

    def wrap(self, query: TLFunction[Any]) -> TLFunction[Any]:
        init = functions.InitConnection(
            api_id=self.api_id,
            device_model=self.device_model,
            system_version=self.system_version,
            app_version=self.app_version,
            system_lang_code=self.system_lang_code,
            lang_pack="",
            lang_code=self.lang_code,
            query=query,
        )
        return functions.InvokeWithLayer(layer=LAYER, query=init)
