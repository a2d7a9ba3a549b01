/**
 * What an export holds, as tar entries of plain files: README.txt, messages.json, plans.json,
 * recipients.json, and per message a folder with message.txt, message.html (when it has
 * formatting: the sanitized fragment as stored) and its attachments. The JSON is built in memory (text only); attachments are
 * decrypted blob by blob as the tar is written, never held whole.
 */
import { formatDuration } from '../../../shared/durations.js';
import { IntegrityError } from '../errors.js';
import type { MessageDetail } from '../repo/messages.js';
import type { Plan } from '../repo/plans.js';
import type { Recipient } from '../repo/recipients.js';
import type { VaultServices } from '../services.js';
import { APP_VERSION } from '../vault/vault.js';
import { exportReadme } from './export-readme.js';
import type { TarEntry } from './tar-writer.js';

export interface ExportSummary {
  messages: number;
  attachments: number;
}

export interface ExportContents {
  summary: ExportSummary;
  entries: () => AsyncGenerator<TarEntry>;
}

const ROOT = 'afterword-export';
const utf8 = new TextEncoder();
const iso = (ms: number): string => new Date(ms).toISOString();
const json = (value: unknown): Uint8Array => utf8.encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * A name that is safe as one path component on Linux, macOS and Windows: no separators, control
 * or reserved characters, no leading dot (nothing hidden, never `..`), at most 80 characters.
 */
export function safeName(name: string, fallback: string): string {
  const cleaned = [
    // eslint-disable-next-line no-control-regex
    ...name.replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/g, '_').replace(/^[\s.]+|[\s.]+$/g, ''),
  ]
    .slice(0, 80)
    .join('')
    .trim();
  return cleaned || fallback;
}

/** Makes names unique within one folder (case-insensitively, for macOS and Windows): `a.txt`, `a (2).txt`. */
function uniqueNames(names: readonly string[], taken: readonly string[] = []): string[] {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}

interface PlacedMessage {
  detail: MessageDetail;
  folder: string;
  attachmentPaths: string[];
}

function place(details: readonly MessageDetail[]): PlacedMessage[] {
  const width = Math.max(3, String(details.length).length);
  return details.map((detail, i) => {
    const folder = `messages/${String(i + 1).padStart(width, '0')} ${safeName(detail.title, detail.id)}`;
    const names = uniqueNames(detail.attachments.map((a) => safeName(a.name, a.id)));
    return { detail, folder, attachmentPaths: names.map((name) => `${folder}/attachments/${name}`) };
  });
}

/** Every attachment's file must be there and whole before the first byte is written. */
function assertAttachmentsReadable(services: VaultServices, placed: readonly PlacedMessage[]): void {
  const problems = placed.flatMap(({ detail }) =>
    detail.attachments.flatMap((a) => {
      const problem = services.messages.attachments.fileProblem(a.id);
      return problem
        ? [`attachment "${a.name}" (${a.id}) of message "${detail.title}" (${detail.id}): ${problem}`]
        : [];
    }),
  );
  if (problems.length > 0) {
    throw new IntegrityError(
      `cannot export: ${problems.join('; ')}. Run afterword doctor, then remove or replace what it names`,
    );
  }
}

function messagesJson(
  placed: readonly PlacedMessage[],
  planNames: ReadonlyMap<string, string>,
  defaultPlanId: string | null,
): unknown {
  const planOf = (planId: string | null): unknown => {
    // A message without a plan of its own follows the default plan.
    const id = planId ?? defaultPlanId;
    return id === null ? null : { id, name: planNames.get(id) ?? null, byDefault: planId === null };
  };
  return placed.map(({ detail: m, folder, attachmentPaths }) => ({
    id: m.id,
    title: m.title,
    text: m.body,
    html: m.bodyHtml,
    status: m.status,
    plan: planOf(m.planId),
    deliveryDelay: formatDuration(m.deliveryDelayMs),
    recipients: m.recipients.map((r) => ({ id: r.id, name: r.name, type: r.type, contact: r.contact })),
    folder,
    attachments: m.attachments.map((a, i) => ({
      id: a.id,
      name: a.name,
      mediaType: a.mediaType,
      size: a.size,
      path: attachmentPaths[i]!,
    })),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  }));
}

const planJson = (p: Plan): unknown => ({
  id: p.id,
  name: p.name,
  interval: formatDuration(p.intervalMs),
  levels: p.levels.map((l, i) => ({ level: i + 1, wait: formatDuration(l.waitMs), channels: l.channels })),
  isDefault: p.isDefault,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

const recipientJson = (r: Recipient): unknown => ({
  id: r.id,
  name: r.name,
  type: r.type,
  contact: r.contact,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** Reads the vault's content (decrypted, in memory: text only) and lays out the export. */
export function exportContents(services: VaultServices, now: number): ExportContents {
  const { db } = services.context;
  const ids = db.q.all(db.kysely.selectFrom('messages').select('id').orderBy('created_at').orderBy('id'));
  const placed = place(ids.map(({ id }) => services.messages.get(id)));
  assertAttachmentsReadable(services, placed);
  const plans = services.plans.list();
  const recipients = services.recipients.list();
  const planNames = new Map(plans.map((p) => [p.id, p.name]));
  const summary: ExportSummary = {
    messages: placed.length,
    attachments: placed.reduce((n, p) => n + p.detail.attachments.length, 0),
  };
  const mtime = Math.floor(now / 1000);
  const file = (path: string, body: Uint8Array, at = mtime): TarEntry => ({
    path: `${ROOT}/${path}`,
    size: body.length,
    mtime: at,
    body,
  });
  const directory = (path: string, at = mtime): TarEntry => ({ path: `${ROOT}/${path}`, mtime: at, directory: true });

  async function* entries(): AsyncGenerator<TarEntry> {
    yield directory('');
    yield file('README.txt', utf8.encode(exportReadme({ version: APP_VERSION, exportedAt: iso(now), ...summary })));
    yield file('messages.json', json(messagesJson(placed, planNames, services.plans.defaultPlanId())));
    yield file('plans.json', json(plans.map(planJson)));
    yield file('recipients.json', json(recipients.map(recipientJson)));
    yield directory('messages');
    for (const { detail, folder, attachmentPaths } of placed) {
      const at = Math.floor(detail.updatedAt / 1000);
      yield directory(folder, at);
      yield file(`${folder}/message.txt`, utf8.encode(detail.body), at);
      if (detail.bodyHtml !== null) yield file(`${folder}/message.html`, utf8.encode(detail.bodyHtml), at);
      if (detail.attachments.length > 0) yield directory(`${folder}/attachments`, at);
      for (const [i, a] of detail.attachments.entries()) {
        yield {
          path: `${ROOT}/${attachmentPaths[i]!}`,
          size: a.size,
          mtime: at,
          body: () => readAttachment(services, detail, a),
        };
      }
    }
  }
  return { summary, entries };
}

/** The decrypted bytes; a chunk that fails its check names the attachment. */
async function* readAttachment(
  services: VaultServices,
  message: MessageDetail,
  attachment: MessageDetail['attachments'][number],
): AsyncGenerator<Uint8Array> {
  try {
    yield* services.messages.attachments.read(attachment.id);
  } catch (error) {
    throw new IntegrityError(
      `cannot export: attachment "${attachment.name}" (${attachment.id}) of message "${message.title}" is damaged ` +
        `(${(error as Error).message}). Run afterword doctor`,
      { cause: error },
    );
  }
}
