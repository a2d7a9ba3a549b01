// The contract test suite, run against every transport (in-process router, the runner over
// HTTP): the same journey must give the same replies, whatever carries them. Test support only.
// The journeys run in order on one vault: content (contract-suite-content.ts), then the engine
// (contract-suite-engine.ts), between the vault's creation and the checks on what they left.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../../shared/contract/methods.js';
import { contentJourney } from './contract-suite-content.js';
import { engineJourney } from './contract-suite-engine.js';
import {
  SUITE_PASSWORD,
  code,
  data,
  type SuiteClient,
  type SuiteSession,
  type SuiteTransport,
} from './contract-suite-support.js';

export { SUITE_PASSWORD, type SuiteClient, type SuiteTransport } from './contract-suite-support.js';

export function runContractSuite(name: string, makeTransport: () => Promise<SuiteTransport>): void {
  describe(`contract suite: ${name}`, () => {
    let t: SuiteTransport;
    let owner: SuiteClient;
    beforeAll(async () => {
      t = await makeTransport();
      owner = t.owner();
    });
    const session = (): SuiteSession => ({ t, owner });
    afterAll(async () => t?.close());

    it('before a vault exists: status says so, owner methods are refused, unknown methods are not found', async () => {
      expect(await data(t.anonymous().call('vault.status'))).toMatchObject({ exists: false, unlocked: false });
      expect(await code(t.anonymous().call('messages.list', {}))).toBe('UNAUTHORIZED');
      expect(await code(owner.call('no.such.method', {}))).toBe('NOT_FOUND');
      expect(await code(owner.call('vault.create', { password: 'short' }))).toBe('BAD_REQUEST');
    });

    it('creates the vault, shows the recovery key once, and the session is the owner', async () => {
      const { recoveryKey } = await data<{ recoveryKey: string }>(
        owner.call('vault.create', { password: SUITE_PASSWORD }),
      );
      expect(recoveryKey).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6}){5}$/);
      expect(await data(owner.call('vault.status'))).toMatchObject({ exists: true, unlocked: true });
      expect(await code(owner.call('vault.create', { password: SUITE_PASSWORD }))).toBe('BAD_REQUEST');
      expect(await code(t.anonymous().call('messages.list', {}))).toBe('UNAUTHORIZED');
    });

    contentJourney(session);
    engineJourney(session);

    it('the audit log verifies and holds no content', async () => {
      expect(await data(owner.call('audit.verify', {}))).toEqual({ ok: true, problems: [] });
      const { rows } = await data<{ rows: unknown[] }>(owner.call('audit.page', { limit: 500 }));
      expect(rows.length).toBeGreaterThan(10);
      const text = JSON.stringify(rows);
      for (const secret of ['For Kin', 'kin@example.org', 'Garden', 'phone shortcut', 'ntfy.example.org'])
        expect(text).not.toContain(secret);
    });

    it('every method refuses malformed input with BAD_REQUEST, writes nothing, never fails inside', async () => {
      const before = t.rowCounts();
      const bad = fc.oneof(
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.array(fc.anything(), { maxLength: 3 }),
        fc
          .dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 4 })
          .map((d) => ({ ...d, 'unexpected key': 1 })),
      );
      for (const method of METHOD_NAMES) {
        await fc.assert(
          fc.asyncProperty(bad, async (input) => {
            const reply = await owner.call(method, input);
            expect(reply.ok ? 'OK' : reply.code).toBe('BAD_REQUEST');
          }),
          { numRuns: 12 },
        );
      }
      expect(t.rowCounts()).toEqual(before);
    });

    it('lock ends the session; a wrong password is refused; the right one opens it again', async () => {
      await data(owner.call('vault.lock', {}));
      expect(await code(owner.call('messages.list', {}))).toBe('UNAUTHORIZED');
      expect(await data(owner.call('vault.status'))).toMatchObject({ exists: true, unlocked: false });
      expect(await code(owner.call('vault.unlock', { password: 'not the password' }))).toBe('WRONG_PASSWORD');
      await data(owner.call('vault.unlock', { password: SUITE_PASSWORD }));
      expect((await data<{ total: number }>(owner.call('messages.list', {}))).total).toBe(3);
    });
  });
}
