"""The folder broker of `make run`, with messages that appear whole.

kombu's filesystem transport opens a message's file under its final name, then writes:
a worker listing the folder in between reads an empty or half-written file and dies on
the JSON (seen under load). Here a message is written under a hidden name, which the
reader skips (it takes only `<…>.<queue>.msg`), and renamed into place: a rename is atomic.
"""

import os
import uuid
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        hidden = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(hidden, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(hidden, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def install():
    """Make `filesystem://` broker URLs use this transport, in this process."""
    TRANSPORT_ALIASES["filesystem"] = "tisser.core.broker:Transport"
