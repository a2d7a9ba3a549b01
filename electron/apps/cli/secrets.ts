import { BadRequestError } from '../../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) {
    throw new BadRequestError('no password given: set AFTERWORD_PASSWORD or run the command in a terminal');
  }
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new BadRequestError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/**
 * The recovery key given with `--recovery-key`: `-` reads it from the terminal (not echoed) or
 * from the first line of standard input, so that it does not stand in the process list or the
 * shell's history.
 */
export async function recoveryKeyFrom(flag: string): Promise<string> {
  if (flag !== '-') return flag;
  if (process.stdin.isTTY) return promptHidden('Recovery key: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const key = text.split(/\r?\n/)[0]!.trim();
  if (key === '')
    throw new BadRequestError(
      '--recovery-key - read nothing from standard input: pipe the key in, or type it in a terminal',
    );
  return key;
}

export async function currentPassword(env: Env): Promise<string> {
  return env.AFTERWORD_PASSWORD ?? promptHidden('Vault password: ');
}

/**
 * A new secret: `fromEnv` when set, else typed twice on the terminal. `what` names it in the
 * prompts and errors ("password", "passphrase for the export"), `envName` says how to give it.
 */
export async function newSecretTypedTwice(
  fromEnv: string | undefined,
  what: { noun: string; envName: string; mismatch: string },
): Promise<string> {
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new BadRequestError(`no ${what.noun} given: set ${what.envName} or run the command in a terminal`);
  }
  const first = await promptHidden(`${what.noun[0]!.toUpperCase()}${what.noun.slice(1)}: `);
  const second = await promptHidden(`Repeat the ${what.noun}: `);
  if (first !== second) throw new BadRequestError(what.mismatch);
  return first;
}

/** A new password: AFTERWORD_NEW_PASSWORD, else typed twice on the terminal. */
export async function newPassword(env: Env, fallbackEnv?: string): Promise<string> {
  return newSecretTypedTwice(env.AFTERWORD_NEW_PASSWORD ?? (fallbackEnv ? env[fallbackEnv] : undefined), {
    noun: 'new password',
    envName: 'AFTERWORD_NEW_PASSWORD',
    mismatch: 'the two passwords differ: nothing was changed, try again',
  });
}
