"""Updates: the pure pts/seq sequencer (``sequence.py``, each channel's pts in ``channel_pts.py``, a call's own
change in ``affected.py``), the manager that feeds it, catches up with getDifference and getChannelDifference and
persists the state (``manager.py``), and the handlers it delivers to through one dispatch callback
(``delivery.py``, ``dispatcher.py`` with ``parsers.py``)."""

from tgfleet.client.updates.delivery import Delivery, Dispatch
from tgfleet.client.updates.dispatcher import Dispatcher
from tgfleet.client.updates.manager import UpdatesManager
from tgfleet.client.updates.sequence import Sequencer

__all__ = ["Delivery", "Dispatch", "Dispatcher", "Sequencer", "UpdatesManager"]
