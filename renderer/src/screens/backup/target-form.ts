import { backupTargetInputSchema } from '../../../../shared/contract/backup-dto.js';
import type { MethodInput, MethodOutput } from '../../../../shared/contract/methods.js';

export type StoredTarget = NonNullable<MethodOutput<'backup.getTarget'>['target']>;
export type TargetInput = MethodInput<'backup.setTarget'>;

export interface TargetForm {
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  pathStyle: boolean;
  accessKeyId: string;
  /** Never filled from the stored target: empty keeps the stored secret. */
  secretAccessKey: string;
  /** The server has a certificate authority of its own (its CA certificate is trusted for it alone). */
  ownCa: boolean;
  /** The CA certificate (PEM); never filled from the stored target: empty keeps the stored one. */
  ca: string;
}

/** Why a field cannot be saved; the screen words each in the reader's language. */
export type TargetProblem =
  | 'endpointRequired'
  | 'endpointInvalid'
  | 'endpointUserInfo'
  | 'endpointLinkLocal'
  | 'bucketInvalid'
  | 'prefixInvalid'
  | 'regionRequired'
  | 'accessKeyIdRequired'
  | 'secretRequired'
  | 'caRequired'
  | 'caInvalid'
  | 'caNeedsHttps';

export type TargetProblems = Partial<Record<keyof TargetForm, TargetProblem>>;

export function formFromTarget(target: StoredTarget | null): TargetForm {
  return {
    endpoint: target?.endpoint ?? '',
    bucket: target?.bucket ?? '',
    prefix: target?.prefix ?? 'afterword/v1',
    region: target?.region ?? 'us-east-1',
    pathStyle: target?.pathStyle ?? false,
    accessKeyId: target?.accessKeyId ?? '',
    secretAccessKey: '',
    ownCa: target?.customCa ?? false,
    ca: '',
  };
}

/** The CA part of `backup.setTarget`: a new certificate, none (unticked while one is stored), or the stored one kept. */
function caInput(form: TargetForm, caStored: boolean): Pick<TargetInput, 'ca'> {
  if (form.ownCa && form.ca.trim() !== '') return { ca: form.ca.trim() };
  return !form.ownCa && caStored ? { ca: null } : {};
}

/** What `backup.setTarget` receives: an empty secret (or CA) is left out when one is stored (it stays). */
export function targetInput(form: TargetForm, secretStored: boolean, caStored = false): TargetInput {
  const keepSecret = secretStored && form.secretAccessKey === '';
  return {
    endpoint: form.endpoint.trim(),
    bucket: form.bucket.trim(),
    prefix: form.prefix.trim(),
    region: form.region.trim(),
    pathStyle: form.pathStyle,
    accessKeyId: form.accessKeyId.trim(),
    ...(keepSecret ? {} : { secretAccessKey: form.secretAccessKey }),
    ...caInput(form, caStored),
  };
}

const hasUserInfo = (url: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);

/** The contract's own schema decides what is wrong; this names it per field (first problem per field). */
export function targetProblems(form: TargetForm, secretStored: boolean, caStored = false): TargetProblems {
  const input = targetInput(form, secretStored, caStored);
  const problems: TargetProblems = {};
  if (!secretStored && form.secretAccessKey === '') problems.secretAccessKey = 'secretRequired';
  if (form.ownCa) {
    if (!caStored && form.ca.trim() === '') problems.ca = 'caRequired';
    else if (!/^https:\/\//i.test(input.endpoint)) problems.ca = 'caNeedsHttps';
  }
  const parsed = backupTargetInputSchema().safeParse(input);
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof TargetForm | undefined;
    if (!field || problems[field]) continue;
    const problem = problemOf(field, issue.code, input.endpoint);
    if (problem) problems[field] = problem;
  }
  return problems;
}

function problemOf(field: keyof TargetForm, code: string, endpoint: string): TargetProblem | null {
  switch (field) {
    case 'endpoint':
      if (endpoint === '') return 'endpointRequired';
      if (code !== 'custom') return 'endpointInvalid';
      return hasUserInfo(endpoint) ? 'endpointUserInfo' : 'endpointLinkLocal';
    case 'bucket':
      return 'bucketInvalid';
    case 'prefix':
      return 'prefixInvalid';
    case 'region':
      return 'regionRequired';
    case 'accessKeyId':
      return 'accessKeyIdRequired';
    case 'secretAccessKey':
      return 'secretRequired';
    case 'ca':
      return 'caInvalid';
    default:
      return null;
  }
}
