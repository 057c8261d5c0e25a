import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * Cuts the network between one kafkajs client and Kafka without touching the broker, which
 * other tests share: while cut, open connections are destroyed and new ones go to a port
 * nothing listens on, exactly what a client sees when the broker is stopped.
 */
export class NetworkSwitch {
  private cut = false;
  private readonly sockets = new Set<net.Socket>();

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const target = this.cut ? { host: '127.0.0.1', port: 1 } : { host, port };
    const socket = net.connect(target, onConnect);
    socket.setKeepAlive(true, 60_000);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));

    return socket;
  };

  /** Kafka becomes unreachable for the client. */
  disconnect(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Kafka is reachable again. */
  reconnect(): void {
    this.cut = false;
  }
}
