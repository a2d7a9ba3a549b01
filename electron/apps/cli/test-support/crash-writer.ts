// Child process of crash-safety.test.ts, test code bundled by testScript while the core it
// drives is the compiled one in dist/ (importBuilt): opens the vault through the core, unlocks it
// once, then adds messages one at a time until it is killed. After each create()
// returns it prints `ADDED <id> <title>` with a synchronous write, so every line the parent reads
// stands for a message the core reported as saved. Every fourth message carries an attachment,
// so kills also land between a blob being written and its row being committed.
//
//   node --import tsx electron/apps/cli/test-support/crash-writer.ts <vaultDir> <runLabel>   (AFTERWORD_PASSWORD set;
//   from source like this too)
import { writeSync } from 'node:fs';
import { importBuilt } from './import-built.js';

const { DEFAULT_SCRYPT } = await importBuilt<typeof import('../../../core/crypto/kdf.js')>('core/crypto/kdf.ts');
const { createVaultServices } = await importBuilt<typeof import('../../../core/services.js')>('core/services.ts');
const { Vault } = await importBuilt<typeof import('../../../core/vault/vault.js')>('core/vault/vault.ts');
const { systemClock } = await importBuilt<typeof import('../../../node/system-clock.js')>('node/system-clock.ts');

function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const [dir, run] = process.argv.slice(2);
const password = process.env.AFTERWORD_PASSWORD;
if (!dir || !run || !password) {
  process.stderr.write('usage: crash-writer.ts <vaultDir> <runLabel> (AFTERWORD_PASSWORD set)\n');
  process.exit(1);
}

const vault = await Vault.open(dir, { clock: systemClock, scrypt: { ...DEFAULT_SCRYPT, logN: 15 } });
await vault.unlock(password);
const { messages } = createVaultServices(vault, systemClock);
say('READY');
const filler = new Uint8Array(3000).fill(0x61);
for (let i = 0; ; i++) {
  const title = `crash ${run}.${i}`;
  const attachments = i % 4 === 0 ? [await messages.attachments.stage(once(filler), `file-${i}.bin`)] : [];
  const id = messages.create({ title, body: `body of ${title} `.repeat(40), attachments });
  say(`ADDED ${id} ${title}`);
}
