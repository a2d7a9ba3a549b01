import { describe, expect, it } from 'vitest';
import { createClient } from './create-client';
import { RpcError } from './rpc-error';
import type { Transport } from './transport';

const transport = (reply: unknown, seen: unknown[] = []): Transport => ({
  call: async (method, input) => {
    seen.push([method, input]);
    if (reply instanceof Error) throw reply;
    return reply as never;
  },
  subscribe: () => () => {},
});

describe('createClient', () => {
  it('passes the method and input through and returns the data', async () => {
    const seen: unknown[] = [];
    const client = createClient(transport({ ok: true, data: { items: [], total: 0 } }, seen));
    await expect(client.call('messages.list', { limit: 50 })).resolves.toEqual({ items: [], total: 0 });
    await client.call('vault.status');
    expect(seen).toEqual([
      ['messages.list', { limit: 50 }],
      ['vault.status', {}],
    ]);
  });

  it('throws an RpcError with the stable code on an error reply, and tells the observer', async () => {
    const errors: string[] = [];
    const client = createClient(transport({ ok: false, code: 'WRONG_PASSWORD', message: 'wrong password' }), {
      onError: (e, method) => errors.push(`${method}:${e.code}`),
    });
    const error = await client.call('vault.unlock', { password: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'WRONG_PASSWORD', message: 'wrong password', method: 'vault.unlock' });
    expect(errors).toEqual(['vault.unlock:WRONG_PASSWORD']);
  });

  it('turns a transport failure into INTERNAL', async () => {
    const client = createClient(transport(new TypeError('Failed to fetch')));
    await expect(client.call('status.get')).rejects.toMatchObject({ code: 'INTERNAL', message: 'Failed to fetch' });
  });
});

// Compile-time checks (tsc -p tsconfig.renderer.json): wrong names and inputs do not type-check.
export function typeChecks(client: ReturnType<typeof createClient>) {
  // @ts-expect-error unknown method
  void client.call('messages.nope', {});
  // @ts-expect-error vault.unlock needs a password
  void client.call('vault.unlock');
  // @ts-expect-error wrong input type
  void client.call('messages.list', { limit: 'fifty' });
}
