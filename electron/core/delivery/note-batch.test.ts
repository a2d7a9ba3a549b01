import { describe, expect, it } from 'vitest';
import { NoteBatch } from './note-batch.js';

describe('NoteBatch', () => {
  it('commits what was added in one turn of the event loop together, and each turn on its own', async () => {
    const commits: number[][] = [];
    const batch = new NoteBatch<number>((notes) => commits.push(notes));
    const first = [batch.add(1), batch.add(2), batch.add(3)];
    expect(commits).toEqual([]); // nothing before the turn's callbacks are done
    await Promise.all(first);
    expect(commits).toEqual([[1, 2, 3]]);
    await batch.add(4);
    expect(commits).toEqual([[1, 2, 3], [4]]);
  });

  it('settles a note only once its commit is done: a failed commit rejects every note it held', async () => {
    let fail = true;
    const committed: number[] = [];
    const batch = new NoteBatch<number>((notes) => {
      if (fail) throw new Error('database is locked');
      committed.push(...notes);
    });
    const results = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('database is locked'));
    fail = false;
    await batch.add(3);
    expect(committed).toEqual([3]);
  });

  it('does not settle a note before the commit that holds it has run', async () => {
    const commits: string[][] = [];
    let later: () => void = () => undefined;
    const batch = new NoteBatch<string>(
      (notes) => commits.push(notes),
      (run) => {
        later = run;
      },
    );
    let settled = false;
    const pending = batch.add('a').then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    later();
    await pending;
    expect(commits).toEqual([['a']]);
  });
});
