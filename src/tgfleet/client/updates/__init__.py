"""Updates: the pure pts/seq sequencer and the task that applies updates, catches up with getDifference
and calls the handlers."""

from tgfleet.client.updates.manager import MessageHandler, UpdatesManager
from tgfleet.client.updates.sequence import Sequencer

__all__ = ["MessageHandler", "Sequencer", "UpdatesManager"]
