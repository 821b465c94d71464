"""The folder broker: a message is never seen before it is whole."""

import os

from kombu import Connection

import tisser.celery  # noqa: F401  (installs the folder transport)
from tisser.core.broker import Transport


def _connection(folder):
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(folder),
            "store_processed": False,
        },
    )


def test_filesystem_urls_use_the_atomic_transport(tmp_path):
    with _connection(tmp_path) as connection:
        assert isinstance(connection.transport, Transport)


def test_a_message_is_renamed_into_place_and_read_back(tmp_path):
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs")
        queue.put({"id": 7})
        names = os.listdir(tmp_path)
        assert [n for n in names if n.endswith(".jobs.msg")] and not [
            n for n in names if n.endswith(".part")
        ]
        assert queue.get(timeout=1).payload == {"id": 7}
        queue.close()


def test_a_half_written_message_is_skipped_by_the_reader(tmp_path):
    (tmp_path / ".1_abc.jobs.msg.part").write_bytes(b'{"bo')
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs")
        queue.put({"id": 8})
        assert queue.get(timeout=1).payload == {"id": 8}
        assert (tmp_path / ".1_abc.jobs.msg.part").exists()
        queue.close()
