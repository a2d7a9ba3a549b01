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

export async function currentPassword(env: Env): Promise<string> {
  return env.AFTERWORD_PASSWORD ?? promptHidden('Vault password: ');
}

/** A new password: AFTERWORD_NEW_PASSWORD, else typed twice on the terminal. */
export async function newPassword(env: Env, fallbackEnv?: string): Promise<string> {
  const fromEnv = env.AFTERWORD_NEW_PASSWORD ?? (fallbackEnv ? env[fallbackEnv] : undefined);
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new BadRequestError('no new password given: set AFTERWORD_NEW_PASSWORD or run the command in a terminal');
  }
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat the new password: ');
  if (first !== second) throw new BadRequestError('the two passwords differ: nothing was changed, try again');
  return first;
}
