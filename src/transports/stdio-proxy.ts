import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';

export type Upstream = { url: URL; token: string };

/** Headers that carry the agent's own context to a shared board host (URI-encoded). */
export const PROJECT_HEADER = 'tasklane-default-project';
export const CWD_HEADER = 'tasklane-cwd';
export type ClientContext = { defaultProject: string; cwd: string };

/** Finds the board host, starting one if none answers. */
export type LocateHost = () => Promise<Upstream>;

/** No host could be reached or started: the agent gets this reason as the error of its call. */
class HostUnavailable extends Error {}

const HOST_LOST =
  'tasklane: the board host stopped during this call and has been restarted; the call may or may not have ' +
  'taken effect. Check with read_task_breakdown, then retry.';

/** The request never reached a host that knew this session: safe to send again after a restart. */
function notDelivered(err: unknown): boolean {
  if (err instanceof StreamableHTTPError) return err.code === 404;
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOENT';
}

/**
 * A thin stdio ⇄ streamable HTTP relay between the agent and the board host. It keeps the client's
 * initialize request so that a restarted host can be introduced to the same client again.
 */
export async function proxyStdio(locate: LocateHost, context: ClientContext, log: Logger): Promise<void> {
  const downstream = new StdioServerTransport();
  let upstream: StreamableHTTPClientTransport | undefined;
  let opening: Promise<StreamableHTTPClientTransport> | undefined;
  let hostLost = false;
  let initialize: JSONRPCRequest | undefined;
  const replayed = new Set<string | number>();

  const open = async (restart: boolean) => {
    const { url, token } = await locate().catch((err: Error) => {
      throw new HostUnavailable(err.message);
    });
    const headers = {
      authorization: `Bearer ${token}`,
      [PROJECT_HEADER]: encodeURIComponent(context.defaultProject),
      [CWD_HEADER]: encodeURIComponent(context.cwd),
    };
    const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
    transport.onmessage = (message) => {
      if ('id' in message && message.id !== undefined && replayed.delete(message.id)) return;
      const result = 'result' in message ? (message.result as { protocolVersion?: string }) : undefined;
      if (result?.protocolVersion) transport.setProtocolVersion(result.protocolVersion);
      void downstream.send(message).catch((err) => log.warn({ err }, 'could not write to the agent'));
    };
    transport.onerror = (err) => log.debug({ err: err.message }, 'board host stream');
    await transport.start();
    if (restart && initialize) {
      const again = { ...initialize, id: `tasklane-proxy-${Date.now()}` };
      replayed.add(again.id);
      await transport.send(again);
      await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    }
    return transport;
  };

  const connected = () => {
    if (upstream) return Promise.resolve(upstream);
    opening ??= open(hostLost).then(
      (t) => {
        upstream = t;
        hostLost = false;
        opening = undefined;
        return t;
      },
      (err) => {
        opening = undefined;
        throw err;
      },
    );
    return opening;
  };

  const dropUpstream = () => {
    const old = upstream;
    upstream = undefined;
    hostLost = true;
    void old?.close().catch(() => {});
  };

  const forward = async (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && isInitializeRequest(message)) initialize = message;
    for (let attempt = 1; ; attempt++) {
      try {
        await (await connected()).send(message);
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, 'board host did not answer');
        dropUpstream();
        if (attempt === 1 && notDelivered(err)) continue;
        if (isJSONRPCRequest(message)) {
          const text = err instanceof HostUnavailable ? `tasklane: ${err.message}` : HOST_LOST;
          await downstream.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: text } });
        }
        return;
      }
    }
  };

  downstream.onmessage = (message) => void forward(message);
  await downstream.start();
  await new Promise<void>((resolve) => {
    const stop = async () => {
      await upstream?.terminateSession().catch(() => {});
      await upstream?.close().catch(() => {});
      resolve();
    };
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  });
}
