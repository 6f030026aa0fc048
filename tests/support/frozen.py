"""A server that accepts TCP connections and never says a word: a frozen broker, for fail-fast tests."""

import socket
import threading


class FrozenServer:
    def __enter__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._hold, daemon=True).start()
        return self

    def _hold(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed on exit
            self.connections.append(connection)  # kept open and never read from

    def __exit__(self, *exc_info):
        self.listener.close()
        for connection in self.connections:
            connection.close()
