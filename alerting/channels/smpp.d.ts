// Types for the untyped `smpp` package (0.5.x): only what the SMPP channel and its test SMSC use.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A request or response; its other fields are the command's parameters and TLVs, named as in the SMPP spec. */
  export interface PDU {
    command: string;
    command_status: number;
    [field: string]: unknown;
    response(options?: Record<string, unknown>): PDU;
  }

  /** One SMPP connection. Emits 'connect', 'close', 'error' and one event per received command ('deliver_sm', ...). */
  export interface Session extends EventEmitter {
    socket: Socket;
    /** Returns false (and sends nothing) when the socket is not writable. */
    send(pdu: PDU, responseCallback?: (response: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  const smpp: {
    PDU: new (command: string, options?: Record<string, unknown>) => PDU;
    connect(options: { host: string; port: number }): Session;
    createServer(listener: (session: Session) => void): Server;
    /** Command status names to codes (ESME_RTHROTTLED: 0x58, ...). */
    errors: Record<string, number>;
  };
  export default smpp;
}
